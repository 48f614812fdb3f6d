'use strict';
// The saga's declaration (lib/services/saga.ts) for the deployment's JavaScript parts (the
// dashboard) and the harnesses: bundled on the fly with esbuild, the same TypeScript the functions
// run, so nothing here keeps a second list of services, consumers or steps.
const path = require('node:path');
const Module = require('node:module');
const esbuild = require('esbuild');

const ROOT = path.resolve(__dirname, '..');
let loaded;

/** `{ saga, topology }`, loaded once per process. */
const declaration = () => {
  if (loaded) return loaded;
  const entry = path.join(ROOT, 'lib', 'services', 'saga.ts');
  const { outputFiles } = esbuild.buildSync({ entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', target: 'node20', write: false, packages: 'external', logLevel: 'silent' });
  const mod = new Module(entry);
  mod.filename = entry;
  mod.paths = Module._nodeModulePaths(path.dirname(entry));
  mod._compile(outputFiles[0].text, entry);
  loaded = mod.exports;
  return loaded;
};

module.exports = { declaration };
