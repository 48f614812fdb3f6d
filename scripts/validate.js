'use strict';
/**
 * `npm run validate [-- --stage prod]`: packages the stack for a stage without AWS credentials and
 * lints the CloudFormation template with cfn-lint. Fails on any cfn-lint error; warnings are
 * printed (the ones we accept are explained in docs/operations.md, "Deploy per stage").
 */
const { spawnSync } = require('node:child_process');
const { packageTemplate } = require('../local/emulator/package-template');

const i = process.argv.indexOf('--stage');
const stage = i > 0 ? process.argv[i + 1] : 'dev';

const lint = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' });
if (lint.error) {
  console.error('cfn-lint is not installed. Install it with `pipx install cfn-lint` (or `pip install cfn-lint`), then run again.');
  process.exit(1);
}

const main = async () => {
  console.log(`Packaging stage ${stage} ...`);
  let file;
  try {
    ({ file } = await packageTemplate(stage));
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
  console.log(`Linting ${file} with ${lint.stdout.trim()} ...`);
  const result = spawnSync('cfn-lint', ['--regions', 'us-east-1', '--', file], { encoding: 'utf8' });
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  // cfn-lint's exit code is a bit mask: 2 errors, 4 warnings, 8 informational.
  if (result.status === null || result.status & 2 || result.status & 1) {
    console.error(`cfn-lint found errors in the ${stage} template.`);
    process.exit(1);
  }
  console.log(`${stage}: no cfn-lint errors${result.status & 4 ? ' (warnings above are explained in docs/operations.md)' : ''}.`);
};

void main();
