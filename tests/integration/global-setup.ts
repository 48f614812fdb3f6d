/*
 * Starts a real DynamoDB Local (in memory, its own port) and creates every table of the stack; packages
 * the CloudFormation template once per stage kind (`iamtest` on the default params, `prod` on prod's)
 * for the tests that check what would deploy.
 */
import { startDynamoDbLocal, localClient } from '../../local/emulator/dynamodb-local';
import { createTables } from '../../local/emulator/tables';
import { resolvedResources } from '../../local/emulator/resolved-resources';
import { packageTemplate } from '../../local/emulator/package-template';

import { createServer } from 'node:net';

/** A port nobody listens on right now, so parallel runs (or a running `npm start`) never collide. */
const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

const TEMPLATE_STAGE = 'iamtest';

export default async function globalSetup(): Promise<void> {
  const port = Number(process.env.INTEGRATION_DYNAMODB_PORT ?? (await freePort()));
  // One after the other: two `serverless package` runs at once collide on the framework's own state file.
  const packaged = packageTemplate(TEMPLATE_STAGE);
  const packagedProd = packaged.then(() => packageTemplate('prod'));
  const [dynamodb, resources] = await Promise.all([
    startDynamoDbLocal({ port }),
    Promise.resolve().then(() => resolvedResources('itest')),
  ]);
  const [{ file: templateFile }, { file: prodTemplateFile }] = await Promise.all([packaged, packagedProd]);
  (globalThis as { __DYNAMODB__?: { stop: () => Promise<void> } }).__DYNAMODB__ = dynamodb;
  const client = localClient(port);
  await createTables(client, resources);
  client.destroy();

  // Workers inherit this; tests/integration/setup.js applies it per test file (the e2e tier runs
  // its own stack, so the two tiers must not share one set of AWS_* variables).
  const tables = Object.fromEntries(
    Object.entries(resources)
      .filter(([, r]) => (r as { Type: string }).Type === 'AWS::DynamoDB::Table')
      .map(([id, r]) => [id, (r as { Properties: { TableName: string } }).Properties.TableName]),
  );
  process.env.INTEGRATION_ENV = JSON.stringify({
    TEST_TABLES: JSON.stringify(tables),
    AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
    AWS_ENDPOINT_URL_DYNAMODB_STREAMS: dynamodb.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    PACKAGED_TEMPLATE: templateFile,
    PACKAGED_STAGE: TEMPLATE_STAGE,
    PACKAGED_PROD_TEMPLATE: prodTemplateFile,
  });
}
