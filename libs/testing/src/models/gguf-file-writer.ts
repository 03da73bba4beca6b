import { closeSync, openSync, renameSync, writeSync } from 'node:fs';

/**
 * A minimal GGUF v3 encoder (the llama.cpp model file format): metadata key-values, tensor infos,
 * then aligned F32 tensor data. Tensor data is produced one tensor at a time and streamed to disk
 * so multi-hundred-megabyte benchmark models never sit in memory whole.
 */

const GGUF_VERSION = 3;
const GGML_TYPE_F32 = 0;

enum GgufValueType {
  Uint32 = 4,
  Int32 = 5,
  Float32 = 6,
  Bool = 7,
  String = 8,
  Array = 9,
}

export type GgufMetadataValue =
  | { type: 'uint32'; value: number }
  | { type: 'float32'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'string'; value: string }
  | { type: 'string[]'; value: string[] }
  | { type: 'float32[]'; value: number[] }
  | { type: 'int32[]'; value: number[] };

export interface GgufTensor {
  name: string;
  /** ggml order: innermost (fastest-varying) dimension first. */
  dimensions: number[];
  /** Called once, when the tensor's data is written; must return product(dimensions) values. */
  createData: () => Float32Array;
}

/** A growable little-endian byte buffer for the header part of the file. */
class ByteWriter {
  private buffer = Buffer.alloc(1 << 16);
  length = 0;

  private reserve(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    const grown = Buffer.alloc(Math.max(this.buffer.length * 2, this.length + bytes));
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }

  uint8(value: number): void {
    this.reserve(1);
    this.length = this.buffer.writeUInt8(value, this.length);
  }

  uint32(value: number): void {
    this.reserve(4);
    this.length = this.buffer.writeUInt32LE(value, this.length);
  }

  int32(value: number): void {
    this.reserve(4);
    this.length = this.buffer.writeInt32LE(value, this.length);
  }

  uint64(value: number): void {
    this.reserve(8);
    this.length = this.buffer.writeBigUInt64LE(BigInt(value), this.length);
  }

  float32(value: number): void {
    this.reserve(4);
    this.length = this.buffer.writeFloatLE(value, this.length);
  }

  string(value: string): void {
    const bytes = Buffer.from(value, 'utf8');
    this.uint64(bytes.length);
    this.reserve(bytes.length);
    this.length += bytes.copy(this.buffer, this.length);
  }

  padTo(alignment: number): void {
    const padding = (alignment - (this.length % alignment)) % alignment;
    this.reserve(padding);
    this.buffer.fill(0, this.length, this.length + padding);
    this.length += padding;
  }

  bytes(): Buffer {
    return this.buffer.subarray(0, this.length);
  }
}

function writeMetadataValue(writer: ByteWriter, entry: GgufMetadataValue): void {
  switch (entry.type) {
    case 'uint32':
      writer.uint32(GgufValueType.Uint32);
      return writer.uint32(entry.value);
    case 'float32':
      writer.uint32(GgufValueType.Float32);
      return writer.float32(entry.value);
    case 'bool':
      writer.uint32(GgufValueType.Bool);
      return writer.uint8(entry.value ? 1 : 0);
    case 'string':
      writer.uint32(GgufValueType.String);
      return writer.string(entry.value);
    case 'string[]':
      writeArrayHeader(writer, GgufValueType.String, entry.value.length);
      return entry.value.forEach((item) => writer.string(item));
    case 'float32[]':
      writeArrayHeader(writer, GgufValueType.Float32, entry.value.length);
      return entry.value.forEach((item) => writer.float32(item));
    case 'int32[]':
      writeArrayHeader(writer, GgufValueType.Int32, entry.value.length);
      return entry.value.forEach((item) => writer.int32(item));
  }
}

function writeArrayHeader(writer: ByteWriter, elementType: GgufValueType, count: number): void {
  writer.uint32(GgufValueType.Array);
  writer.uint32(elementType);
  writer.uint64(count);
}

function alignUp(value: number, alignment: number): number {
  return Math.ceil(value / alignment) * alignment;
}

function encodeHeader(
  metadata: ReadonlyArray<[string, GgufMetadataValue]>,
  tensors: readonly GgufTensor[],
  alignment: number,
): Buffer {
  const writer = new ByteWriter();
  writer.uint32(0x46554747); // "GGUF" read as a little-endian uint32
  writer.uint32(GGUF_VERSION);
  writer.uint64(tensors.length);
  writer.uint64(metadata.length);
  for (const [key, value] of metadata) {
    writer.string(key);
    writeMetadataValue(writer, value);
  }
  let offset = 0;
  for (const tensor of tensors) {
    writer.string(tensor.name);
    writer.uint32(tensor.dimensions.length);
    tensor.dimensions.forEach((dimension) => writer.uint64(dimension));
    writer.uint32(GGML_TYPE_F32);
    writer.uint64(offset);
    offset = alignUp(offset + elementCount(tensor) * 4, alignment);
  }
  writer.padTo(alignment);
  return writer.bytes();
}

function elementCount(tensor: GgufTensor): number {
  return tensor.dimensions.reduce((product, dimension) => product * dimension, 1);
}

/**
 * Writes a GGUF file. The file appears atomically (written under a temporary name, then renamed)
 * so parallel test workers never load a half-written model.
 */
export function writeGgufFile(
  filePath: string,
  metadata: ReadonlyArray<[string, GgufMetadataValue]>,
  tensors: readonly GgufTensor[],
  alignment = 32,
): void {
  const temporaryPath = `${filePath}.${process.pid}.tmp`;
  const descriptor = openSync(temporaryPath, 'w');
  try {
    writeSync(descriptor, encodeHeader(metadata, tensors, alignment));
    for (const tensor of tensors) {
      const data = tensor.createData();
      if (data.length !== elementCount(tensor)) {
        throw new Error(
          `Tensor ${tensor.name}: expected ${elementCount(tensor)} values, got ${data.length}`,
        );
      }
      // Float32Array uses the platform's byte order; GGUF is little-endian like every x64/arm64 host.
      const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
      writeSync(descriptor, bytes);
      const padding = alignUp(bytes.length, alignment) - bytes.length;
      if (padding > 0) writeSync(descriptor, Buffer.alloc(padding));
    }
  } finally {
    closeSync(descriptor);
  }
  renameSync(temporaryPath, filePath);
}
