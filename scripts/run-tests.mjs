#!/usr/bin/env node
// Runs the whole suite the way CI does and ends with the one line CI reads: "N passed, N failed".
// Steps: the production build (e2e tests spawn the compiled gateway and worker as real
// processes), then jest with VM modules enabled (node-llama-cpp is ESM with top-level await and is
// loaded through a real dynamic import(); jest.config.js would otherwise start Jest again with the
// flag). Extra arguments go to jest, e.g. `npm test -- --selectProjects unit`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const run = (command, args, env = {}) =>
  spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });

const build = run('npm', ['run', '--silent', 'build']);
if (build.status !== 0) {
  console.log('build failed');
  console.log('0 passed, 1 failed');
  process.exit(1);
}

const outDir = mkdtempSync(join(tmpdir(), 'gateway-tests-'));
const outputFile = join(outDir, 'results.json');
const jestArgs = [
  '--experimental-vm-modules',
  '--disable-warning=ExperimentalWarning',
  join(root, 'node_modules/jest/bin/jest.js'),
  '--json',
  `--outputFile=${outputFile}`,
  ...(process.env.CI ? ['--ci'] : []),
  ...process.argv.slice(2),
];
const jest = run(process.execPath, jestArgs);

let passed = 0;
let failed = 0;
try {
  const results = JSON.parse(readFileSync(outputFile, 'utf8'));
  passed = results.numPassedTests;
  // A suite that fails to load has no failed tests but still fails the run.
  failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
} catch {
  failed = 1;
}
rmSync(outDir, { recursive: true, force: true });
console.log(`${passed} passed, ${failed} failed`);
process.exit(jest.status === 0 && failed === 0 ? 0 : 1);
