import type { EnvironmentContext, JestEnvironmentConfig } from '@jest/environment';
import { TestEnvironment } from 'jest-environment-node';

/**
 * Jest runs each test file in its own V8 realm. onnxruntime-node's native binding returns typed
 * arrays from the main realm, and onnxruntime-common checks them with `instanceof Float32Array`
 * against the test realm's constructor, so every inference fails with "A float32 tensor's data
 * must be type of function Float32Array()". Giving the test realm the main realm's typed-array
 * constructors makes those checks pass.
 *
 * Use in spec files that run ONNX models (transformers.js):
 * `/** @jest-environment ./libs/testing/src/jest/onnx-runtime-environment.ts *\/` as the first comment.
 */
const SHARED_GLOBALS = [
  'ArrayBuffer',
  'SharedArrayBuffer',
  'Float32Array',
  'Float64Array',
  'Int8Array',
  'Int16Array',
  'Int32Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Uint16Array',
  'Uint32Array',
  'BigInt64Array',
  'BigUint64Array',
] as const;

export default class OnnxRuntimeTestEnvironment extends TestEnvironment {
  constructor(config: JestEnvironmentConfig, context: EnvironmentContext) {
    super(config, context);
    const testGlobals = this.global as unknown as Record<string, unknown>;
    for (const name of SHARED_GLOBALS) {
      testGlobals[name] = globalThis[name];
    }
  }
}
