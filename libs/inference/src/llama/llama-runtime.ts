import { existsSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import type { Llama } from 'node-llama-cpp' with { 'resolution-mode': 'import' };

/** The node-llama-cpp module's namespace type (an ES module, so only a dynamic import loads it). */
export type NodeLlamaCpp = typeof import('node-llama-cpp', {
  with: { 'resolution-mode': 'import' },
});

let modulePromise: Promise<NodeLlamaCpp> | undefined;
let llamaPromise: Promise<Llama> | undefined;

/**
 * Loads node-llama-cpp once per process. It is ESM with top-level await, so `require()` fails;
 * with `module: node16` TypeScript keeps this `import()` as a real dynamic import.
 */
export function loadNodeLlamaCpp(): Promise<NodeLlamaCpp> {
  modulePromise ??= import('node-llama-cpp');
  return modulePromise;
}

/**
 * The process-wide llama.cpp binding (CPU only). One instance is shared by every chat engine and
 * embedder so the native library and its thread pools are set up once.
 */
export function getLlamaRuntime(): Promise<Llama> {
  llamaPromise ??= loadNodeLlamaCpp()
    .then(({ getLlama, LlamaLogLevel }) => getLlama({ gpu: false, logLevel: LlamaLogLevel.error }))
    .catch((error: unknown) => {
      llamaPromise = undefined; // let a later call retry instead of caching the failure forever
      throw error;
    });
  return llamaPromise;
}

export interface ModelFileResolution {
  /** Where relative names and downloads go. @defaultValue node-llama-cpp's global models folder */
  modelsDirectory?: string;
  /** Download `hf:` / https models that are not on disk yet. @defaultValue false */
  allowDownload?: boolean;
}

const REMOTE_MODEL_URI = /^(hf:|https?:\/\/)/i;

/**
 * A GGUF path for a model reference: an existing file path (relative to the working directory or
 * to `modelsDirectory`), or an `hf:` URI / URL that node-llama-cpp resolves and, if allowed,
 * downloads into `modelsDirectory`.
 */
export async function resolveGgufModelPath(
  model: string,
  resolution: ModelFileResolution = {},
): Promise<string> {
  if (!REMOTE_MODEL_URI.test(model) && existsSync(resolvePath(model))) {
    return resolvePath(model);
  }
  const { resolveModelFile } = await loadNodeLlamaCpp();
  return resolveModelFile(model, {
    directory: resolution.modelsDirectory ? resolvePath(resolution.modelsDirectory) : undefined,
    download: resolution.allowDownload ? 'auto' : false,
    cli: false,
  });
}
