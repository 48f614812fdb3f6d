'use strict';
/**
 * `npm run deploy -- --stage <stage> [--region <region>] [any other serverless deploy option]`
 * Deploys a stage so that a failed first deploy rolls back cleanly. Deletion protection (the
 * tables', the user pool's) refuses the deletes that rolling back a failed create needs, and would
 * leave the stack in ROLLBACK_FAILED with its resources stranded; so a stage's first deploy runs
 * with protection off, and, once it has succeeded and there is data to protect, a second deploy
 * turns on what the stage's params ask for (an in-place update of each resource). An existing
 * stack is deployed once, as is. (Tables also carry `DeletionPolicy: RetainExceptOnCreate` in
 * prod: kept on a stack delete, removed when their own create fails.)
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const path = require('node:path');
const { spawn } = require('node:child_process');
const { CloudFormationClient, DescribeStacksCommand } = require('@aws-sdk/client-cloudformation');
const { option } = require('../local/harness/shared/options');

const ROOT = path.resolve(__dirname, '..');
const SLS = path.join(ROOT, 'node_modules/serverless/bin/serverless.js');
/** The params a first deploy overrides, and the value that lets a rollback delete. */
const UNPROTECTED = ['--param=deletionProtection=false', '--param=userPoolDeletionProtection=INACTIVE'];

class DeployError extends Error {
  constructor(message) {
    super(message);
    this.name = 'DeployError';
  }
}

/** The stack's status, or undefined when there is none. */
const stackStatus = async (cloudFormation, stackName) => {
  try {
    const { Stacks } = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
    return Stacks?.[0]?.StackStatus;
  } catch (error) {
    if (error.name === 'ValidationError' && /does not exist/.test(error.message)) return undefined;
    throw error;
  }
};

/**
 * The deploys to run for a stage, in order (each an argument list for `serverless`), given the
 * stack's current status and whether the stage's params protect anything. Pure.
 */
const deployPlan = ({ stage, status, protects, extra = [] }) => {
  const deploy = ['deploy', '--stage', stage, ...extra];
  if (status === 'ROLLBACK_COMPLETE' || status === 'ROLLBACK_FAILED') {
    throw new DeployError(
      `Stack order-saga-${stage} is ${status}: its first create failed. Delete it (aws cloudformation delete-stack --stack-name order-saga-${stage}; its tables were created by that failed create, so none are kept) and run this again.`,
    );
  }
  if (status !== undefined) return [deploy];
  return protects ? [[...deploy, ...UNPROTECTED], deploy] : [deploy];
};

/** Whether the stage's resolved configuration turns any deletion protection on. */
const stageProtects = async (run, stage) => {
  const printed = await run(['print', '--stage', stage, '--format', 'json'], { capture: true });
  const resources = JSON.parse(printed.slice(printed.indexOf('{'))).resources?.Resources ?? {};
  return Object.values(resources).some((r) => r.Properties?.DeletionProtectionEnabled === true || r.Properties?.DeletionProtectionEnabled === 'true' || r.Properties?.DeletionProtection === 'ACTIVE');
};

const runServerless = (args, { capture = false } = {}) =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SLS, ...args], { cwd: ROOT, stdio: capture ? ['ignore', 'pipe', 'inherit'] : 'inherit' });
    let out = '';
    child.stdout?.on('data', (d) => (out += d));
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new DeployError(`serverless ${args.slice(0, 3).join(' ')} failed (exit ${code})`))));
  });

const deployStage = async ({ stage, extra }, { cloudFormation, run, log = console.log }) => {
  const status = await stackStatus(cloudFormation, `order-saga-${stage}`);
  const protects = status === undefined ? await stageProtects(run, stage) : false;
  const plan = deployPlan({ stage, status, protects, extra });
  if (plan.length > 1) log(`First deploy of ${stage}: deletion protection off until the stack exists, then on.`);
  for (const args of plan) await run(args);
  return plan;
};

if (require.main === module) {
  const argv = process.argv.slice(2);
  const stage = option('stage', undefined, argv);
  const region = option('region', process.env.AWS_REGION ?? 'us-east-1', argv);
  const extra = argv.filter((a, i) => !['--stage'].includes(a) && argv[i - 1] !== '--stage');
  if (!stage) {
    console.error('usage: npm run deploy -- --stage <stage> [--region <region>] [serverless deploy options]');
    process.exit(1);
  }
  deployStage({ stage, extra }, { cloudFormation: new CloudFormationClient({ region }), run: runServerless }).catch((error) => {
    console.error(error instanceof DeployError ? error.message : error);
    process.exit(1);
  });
}

module.exports = { deployPlan, deployStage, stackStatus, UNPROTECTED, DeployError };
