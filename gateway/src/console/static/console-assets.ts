import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The folder holding package.json, found by walking up, so the same code works compiled
 * (`dist/gateway/...`) and under ts-jest (`gateway/src/...`).
 */
export function projectRoot(start = __dirname): string {
  let directory = start;
  while (!existsSync(join(directory, 'package.json'))) {
    const parent = dirname(directory);
    if (parent === directory) return start;
    directory = parent;
  }
  return directory;
}

/** Where `npm run build` writes the console (`vite build` → `dist/ui`). */
export function consoleAssetsDirectory(): string {
  return join(projectRoot(), 'dist', 'ui');
}
