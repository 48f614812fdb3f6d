'use strict';
const { execFileSync } = require('node:child_process');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');

/**
 * The CloudFormation resources for a stage, resolved by the Serverless Framework itself
 * (`serverless print`), so tests create exactly the tables that deploy would.
 */
const resolvedResources = (stage) => {
  const out = execFileSync(process.execPath, [path.join(ROOT, 'node_modules/serverless/bin/serverless.js'), 'print', '--stage', stage, '--format', 'json'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, SLS_TELEMETRY_DISABLED: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const config = JSON.parse(out.slice(out.indexOf('{')));
  const resources = config.resources;
  return Array.isArray(resources) ? Object.assign({}, ...resources.map((r) => r.Resources || {})) : resources.Resources;
};

module.exports = { resolvedResources };
