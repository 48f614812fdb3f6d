'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');

/**
 * `serverless package` for a stage, into its own folders (no AWS credentials needed), returning
 * the path and content of the CloudFormation template that `serverless deploy` would submit.
 */
const packageTemplate = (stage) => {
  const out = path.join(ROOT, `.serverless-${stage}`);
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules/serverless/bin/serverless.js'), 'package', '--stage', stage, '--package', out], {
    cwd: ROOT,
    env: { ...process.env, ESBUILD_WORK_FOLDER: `.esbuild-${stage}`, SLS_TELEMETRY_DISABLED: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const file = path.join(out, 'cloudformation-template-update-stack.json');
  return { file, template: JSON.parse(fs.readFileSync(file, 'utf8')) };
};

module.exports = { packageTemplate };
