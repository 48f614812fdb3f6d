'use strict';
// The saga's declaration (lib/services/saga.ts) for the deployment's JavaScript parts (the
// dashboard) and the harnesses: bundled on the fly with esbuild, the same TypeScript the functions
// run, so nothing here keeps a second list of services, consumers or steps.
const path = require('node:path');
const Module = require('node:module');
const esbuild = require('esbuild');

const ROOT = path.resolve(__dirname, '..');
const loaded = new Map();

/** A TypeScript module of the repository (path from its root), bundled and loaded once per process. */
const loadTs = (relative) => {
  if (loaded.has(relative)) return loaded.get(relative);
  const entry = path.join(ROOT, relative);
  const { outputFiles } = esbuild.buildSync({ entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', target: 'node20', write: false, packages: 'external', logLevel: 'silent' });
  const mod = new Module(entry);
  mod.filename = entry;
  mod.paths = Module._nodeModulePaths(path.dirname(entry));
  mod._compile(outputFiles[0].text, entry);
  loaded.set(relative, mod.exports);
  return mod.exports;
};

/** `{ saga, topology, invariants }` of lib/services/verify.ts: the declaration and every service's invariants for the checker. */
const verification = () => loadTs('lib/services/verify.ts');
/** `{ saga, topology }`: the same bundle, so a process builds the declaration once. */
const declaration = () => verification();

module.exports = { declaration, verification, loadTs };
