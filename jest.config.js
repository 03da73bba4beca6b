/**
 * Two projects: fast unit specs beside the code, and e2e specs that boot real servers
 * (gateway, worker, fake providers, Redis). `scripts/run-tests.mjs` runs both and prints the
 * one-line summary CI reads.
 */
const { pathsToModuleNameMapper } = require('ts-jest');
const { compilerOptions } = require('./tsconfig.json');

const shared = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.spec.json', diagnostics: false }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: pathsToModuleNameMapper(compilerOptions.paths, { prefix: '<rootDir>/' }),
  rootDir: __dirname,
};

module.exports = {
  // Per-project testTimeout is ignored when projects run together; e2e tests boot servers.
  testTimeout: 60000,
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/{gateway,worker,libs}/**/*.spec.ts'] },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/{gateway,worker,libs}/test/**/*.e2e-spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'],
    },
    // Faults injected into real processes (upstreams, a throwaway redis-server, workers, the
    // gateway) with the shipped timeouts; `npm run test:faults` runs only these.
    { ...shared, displayName: 'faults', testMatch: ['<rootDir>/test/faults/**/*.fault-spec.ts'] },
  ],
};
