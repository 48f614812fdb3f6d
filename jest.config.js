// Three tiers, each its own project: `unit` needs no network, `integration` runs against a real
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// DynamoDB Local started by its global setup, `e2e` drives the real `serverless offline` stack.
const transform = { '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }] };
// Middy ships ESM only; Jest runs CommonJS, so those packages must be transformed too. Lambda's
// invoke store loads `node:async_hooks` with a dynamic import, which Jest's CommonJS VM refuses.
const transformIgnorePatterns = ['/node_modules/(?!(@middy|@aws/lambda-invoke-store)/)'];

const project = (name, extra = {}) => ({
  displayName: name,
  testEnvironment: 'node',
  // The transform cache stays in the checkout, not in the system's temporary directory.
  cacheDirectory: '<rootDir>/node_modules/.cache/jest',
  transform,
  transformIgnorePatterns,
  testMatch: [`<rootDir>/tests/${name}/**/*.test.ts`],
  ...extra,
  setupFiles: ['<rootDir>/tests/setup-env.js', ...(extra.setupFiles ?? [])],
});

module.exports = {
  projects: [
    project('unit'),
    project('integration', {
      globalSetup: '<rootDir>/tests/integration/global-setup.ts',
      globalTeardown: '<rootDir>/tests/integration/global-teardown.ts',
      setupFiles: ['<rootDir>/tests/integration/setup-env.js'],
      setupFilesAfterEnv: ['<rootDir>/tests/integration/timeouts.js'],
    }),
    project('e2e', {
      globalSetup: '<rootDir>/tests/e2e/global-setup.ts',
      globalTeardown: '<rootDir>/tests/e2e/global-teardown.ts',
      setupFiles: ['<rootDir>/tests/e2e/setup-env.js'],
      setupFilesAfterEnv: ['<rootDir>/tests/e2e/timeouts.js'],
    }),
  ],
};
