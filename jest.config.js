// One jest run covers all tiers: small specs beside the code, medium and e2e specs under test/.
// Every test file gets its own freshly migrated database (see test/support/database.ts), so
// files run in parallel safely.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: [
    '<rootDir>/src',
    '<rootDir>/connectors',
    '<rootDir>/test',
    '<rootDir>/bench',
    '<rootDir>/scripts',
  ],
  testMatch: ['**/*.spec.ts'],
  // jose is published as ES modules only; swc turns it into CommonJS like our own code.
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
  transform: {
    '^.+\\.(ts|js)$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
          keepClassNames: true,
        },
        module: { type: 'commonjs' },
        sourceMaps: 'inline',
      },
    ],
  },
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 30_000,
  maxWorkers: 2,
};
