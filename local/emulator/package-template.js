'use strict';
const { execFile } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');

/**
 * `serverless package` for a stage, into its own folders (no AWS credentials needed), resolving to
 * the path and content of the CloudFormation template that `serverless deploy` would submit. The
 * packaging's scratch files (a zip folder per function) go to a temporary directory of its own,
 * removed when it ends.
 */
const packageTemplate = (stage) =>
  new Promise((resolve, reject) => {
    const out = path.join(ROOT, `.serverless-${stage}`);
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), `order-saga-package-${stage}-`));
    execFile(
      process.execPath,
      [path.join(ROOT, 'node_modules/serverless/bin/serverless.js'), 'package', '--stage', stage, '--package', out],
      { cwd: ROOT, env: { ...process.env, TMPDIR: scratch, ESBUILD_WORK_FOLDER: `.esbuild-${stage}`, SLS_TELEMETRY_DISABLED: '1' }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        fs.rmSync(scratch, { recursive: true, force: true });
        // serverless prints its own error on stdout, after the warnings it prints on stderr.
        if (error) return reject(Object.assign(new Error(`serverless package --stage ${stage} failed:\n${[stderr, stdout].filter(Boolean).join('\n') || error.message}`), { stderr }));
        const file = path.join(out, 'cloudformation-template-update-stack.json');
        resolve({ file, template: JSON.parse(fs.readFileSync(file, 'utf8')) });
      },
    );
  });

module.exports = { packageTemplate };
