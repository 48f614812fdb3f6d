'use strict';
/**
 * `npm run customer -- --stage <stage> --email <address> [--credit <cents>] [--country DE] [--region us-east-1]`
 * Onboards one customer on a deployed stage (AWS credentials): creates the user in the stage's
 * Cognito pool (Cognito e-mails a temporary password), then opens their payment account through
 * the stage's openAccount function with their `sub` (the subject of their tokens) as customer id.
 * Cognito's post-confirmation trigger does not fire for users an administrator creates, hence this
 * command. Running it again for the same address creates nothing and leaves the account as it is.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { CloudFormationClient, DescribeStackResourceCommand } = require('@aws-sdk/client-cloudformation');
const { CognitoIdentityProviderClient, AdminCreateUserCommand, AdminGetUserCommand } = require('@aws-sdk/client-cognito-identity-provider');
const { LambdaClient, InvokeCommand } = require('@aws-sdk/client-lambda');
const { option } = require('../local/harness/shared/options');

const USAGE = 'usage: npm run customer -- --stage <stage> --email <address> [--credit <cents>] [--country <XX>] [--region <region>]';

class CustomerCommandError extends Error {
  constructor(message, options) {
    super(message, options);
    this.name = 'CustomerCommandError';
  }
}

const subOf = (attributes = []) => attributes.find((a) => a.Name === 'sub')?.Value;

/**
 * Creates (or finds) the user and opens their account. `clients` are the three SDK clients (or
 * anything with their `send`), so the sequence is tested without AWS.
 * @returns {Promise<{ customerId: string, created: boolean, account: object, opened: boolean }>}
 */
const onboardCustomer = async ({ stage, email, credit, country }, clients) => {
  const stackName = `order-saga-${stage}`;
  const { StackResourceDetail } = await clients.cloudFormation.send(new DescribeStackResourceCommand({ StackName: stackName, LogicalResourceId: 'CustomerUserPool' }));
  const userPoolId = StackResourceDetail?.PhysicalResourceId;
  if (!userPoolId) throw new CustomerCommandError(`Stack ${stackName} has no CustomerUserPool: deploy the stage first (npx sls deploy --stage ${stage})`);
  let created = true;
  let sub;
  try {
    const { User } = await clients.cognito.send(
      new AdminCreateUserCommand({ UserPoolId: userPoolId, Username: email, UserAttributes: [{ Name: 'email', Value: email }, { Name: 'email_verified', Value: 'true' }], DesiredDeliveryMediums: ['EMAIL'] }),
    );
    sub = subOf(User?.Attributes);
  } catch (error) {
    if (error.name !== 'UsernameExistsException') throw error;
    created = false;
    sub = subOf((await clients.cognito.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: email }))).UserAttributes);
  }
  if (!sub) throw new CustomerCommandError(`Cognito returned no sub for ${email}`);
  const payload = { customerId: sub, ...(credit !== undefined ? { credit } : {}), ...(country ? { country } : {}) };
  const response = await clients.lambda.send(new InvokeCommand({ FunctionName: `${stackName}-openAccount`, Payload: Buffer.from(JSON.stringify(payload)) }));
  const text = Buffer.from(response.Payload ?? []).toString('utf8');
  if (response.FunctionError) throw new CustomerCommandError(`openAccount failed for ${email} (customer ${sub}): ${text}`);
  const { opened, account } = JSON.parse(text);
  return { customerId: sub, created, opened, account };
};

const main = async () => {
  const stage = option('stage');
  const email = option('email');
  const creditText = option('credit');
  const country = option('country');
  if (!stage || !email || stage === 'local') throw new CustomerCommandError(`${USAGE}\n(locally: npx sls invoke local -f openAccount --stage local --data '{"customerId":"…"}' and npm run -s token -- <customerId>)`);
  const credit = creditText === undefined ? undefined : Number(creditText);
  if (credit !== undefined && !Number.isInteger(credit)) throw new CustomerCommandError(`--credit must be a whole number of cents\n${USAGE}`);
  const region = option('region', process.env.AWS_REGION ?? 'us-east-1');
  const clients = { cloudFormation: new CloudFormationClient({ region }), cognito: new CognitoIdentityProviderClient({ region }), lambda: new LambdaClient({ region }) };
  const result = await onboardCustomer({ stage, email, credit, country }, clients);
  console.log(JSON.stringify(result, null, 2));
};

if (require.main === module) {
  main().catch((error) => {
    console.error(error instanceof CustomerCommandError ? error.message : error);
    process.exit(1);
  });
}

module.exports = { onboardCustomer, CustomerCommandError };
