'use strict';
const { execFileSync } = require('node:child_process');
const path = require('node:path');
const { resourcesOf } = require('./intrinsics');

const ROOT = path.resolve(__dirname, '..', '..');

/** The service configuration for a stage, resolved by the Serverless Framework itself (`serverless print`). */
const resolvedConfig = (stage) => {
  const out = execFileSync(process.execPath, [path.join(ROOT, 'node_modules/serverless/bin/serverless.js'), 'print', '--stage', stage, '--format', 'json'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, SLS_TELEMETRY_DISABLED: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return JSON.parse(out.slice(out.indexOf('{')));
};

/**
 * The CloudFormation resources for a stage, as `serverless print` resolves them, so tests create
 * exactly the tables that deploy would.
 */
const resolvedResources = (stage) => resourcesOf(resolvedConfig(stage));

module.exports = { resolvedResources, resolvedConfig };
