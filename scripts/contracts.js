'use strict';
// `npm run contracts`: writes the machine-readable contracts generated from the code's zod
// contracts (lib/services/contract-files.ts) to contracts/: one JSON Schema per event type and the
// OpenAPI document of the HTTP API. Commit the result; a unit test fails when it is stale.
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');
const esbuild = require('esbuild');

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(ROOT, 'contracts');

const loadGenerator = () => {
  const entry = path.join(ROOT, 'lib', 'services', 'contract-files.ts');
  const { outputFiles } = esbuild.buildSync({ entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', target: 'node20', write: false });
  const generated = new Module(entry);
  generated.paths = Module._nodeModulePaths(ROOT);
  generated._compile(outputFiles[0].text, entry);
  return generated.exports;
};

const { contractFiles } = loadGenerator();
const { version } = require(path.join(ROOT, 'package.json'));
const files = contractFiles(version);
fs.rmSync(OUT, { recursive: true, force: true });
for (const [name, content] of Object.entries(files)) {
  const file = path.join(OUT, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}
console.log(`contracts: ${Object.keys(files).length} files written to ${path.relative(process.cwd(), OUT) || '.'}/`);
