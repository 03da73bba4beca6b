import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** FOR TESTS: a fresh directory under the OS temp dir, and its removal. */
export function makeTempDirectory(prefix = 'rag-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function removeDirectory(directory: string): void {
  fs.rmSync(directory, { recursive: true, force: true });
}
