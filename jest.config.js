/**
 * Two projects: fast unit specs beside the code, and e2e specs that boot real servers
 * (gateway, worker, fake providers, Redis). `scripts/run-tests.mjs` runs both and prints the
 * one-line summary CI reads.
 */
const { spawnSync } = require('node:child_process');
const vm = require('node:vm');
const { pathsToModuleNameMapper } = require('ts-jest');
const { compilerOptions } = require('./tsconfig.json');

/**
 * node-llama-cpp (and @google/genai) are ES modules loaded through a real dynamic `import()`;
 * Jest can only run one with Node's `--experimental-vm-modules`, which no Jest option sets. So
 * every way of starting Jest (`npx jest`, `npm test`, an editor's runner) gets it here: a Jest
 * started without it (`vm.SourceTextModule` missing) runs itself again with the flag and exits
 * with that run's status. Workers are forked with the parent's exec arguments, so they have it too.
 */
function rerunWithVmModules() {
  const run = spawnSync(
    process.execPath,
    [
      ...process.execArgv,
      '--experimental-vm-modules',
      // Node warns once per process that VM modules are experimental: known, and noise here.
      '--disable-warning=ExperimentalWarning',
      ...process.argv.slice(1),
    ],
    { stdio: 'inherit' },
  );
  if (run.error) throw run.error;
  if (run.signal) process.kill(process.pid, run.signal);
  process.exit(run.status ?? 1);
}

if (typeof vm.SourceTextModule !== 'function') rerunWithVmModules();

const shared = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.spec.json', diagnostics: false }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: pathsToModuleNameMapper(compilerOptions.paths, { prefix: '<rootDir>/' }),
  // Compiled output is spawned by e2e tests, never loaded as a module.
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/dist-tools/'],
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
