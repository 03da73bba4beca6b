import { closeSync, fstatSync, openSync, readSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { crc32 } from 'node:zlib';
import type { LabelledChunk } from './chunk-store';
import { fsyncDirectory, fsyncFile, isErrorCode } from './durable-file';
import type { DocumentMetadata } from './rag-types';

/**
 * The collection log: every acknowledged write since the last snapshot, appended and fsynced before
 * the write is acknowledged, so an index request costs O(its own chunks) on disk instead of a
 * rewrite of the whole collection.
 *
 * Record: magic u32 | payload length u32 | crc32(payload) u32 | payload, little-endian.
 * Payload: JSON length u32 | JSON entry | one float32 vector per upserted chunk, in entry order.
 * A crash mid-append leaves a torn tail: the first record whose header, length or checksum does not
 * check out ends the log, and the next writer (holding the collection lock) truncates it away.
 */
const RECORD_MAGIC = 0x314c4752; // "RGL1"
const HEADER_BYTES = 12;

export interface LogTotals {
  documents: number;
  chunks: number;
}

export interface LoggedDocument {
  id: string;
  metadata: DocumentMetadata;
  chunks: LabelledChunk[];
}

/** `totals` are the collection's counts after the entry, so stats need not load the collection. */
export type LogEntry =
  | { op: 'upsert'; documents: LoggedDocument[]; totals: LogTotals }
  | { op: 'delete'; ids: string[]; totals: LogTotals };

export interface LogRecord {
  entry: LogEntry;
  /** One per chunk of an upsert, in document then chunk order; empty for deletes. */
  vectors: Float32Array[];
}

export interface LogContents {
  records: LogRecord[];
  /** Bytes from the start of the file up to the end of the last whole record. */
  validBytes: number;
  /** The file's size when read (more than `validBytes` when the tail is torn or being written). */
  fileBytes: number;
}

export function logFileName(generation: number): string {
  return `log-${generation}.bin`;
}

export function encodeLogRecord(record: LogRecord, dimensions: number): Buffer {
  const json = Buffer.from(JSON.stringify(record.entry));
  const payloadBytes = 4 + json.length + record.vectors.length * dimensions * 4;
  const bytes = Buffer.alloc(HEADER_BYTES + payloadBytes);
  bytes.writeUInt32LE(RECORD_MAGIC, 0);
  bytes.writeUInt32LE(payloadBytes, 4);
  bytes.writeUInt32LE(json.length, HEADER_BYTES);
  json.copy(bytes, HEADER_BYTES + 4);
  let offset = HEADER_BYTES + 4 + json.length;
  for (const vector of record.vectors) {
    if (vector.length !== dimensions) throw new RangeError('vector length differs from the index');
    Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).copy(bytes, offset);
    offset += vector.byteLength;
  }
  bytes.writeUInt32LE(crc32(bytes.subarray(HEADER_BYTES)), 8);
  return bytes;
}

/** Whole records from the start of `bytes`; stops at the first torn or corrupt one. */
export function decodeLogRecords(
  bytes: Buffer,
  dimensions: number,
): { records: LogRecord[]; validBytes: number } {
  const records: LogRecord[] = [];
  let offset = 0;
  while (offset + HEADER_BYTES <= bytes.length) {
    const payloadBytes = bytes.readUInt32LE(offset + 4);
    const end = offset + HEADER_BYTES + payloadBytes;
    if (bytes.readUInt32LE(offset) !== RECORD_MAGIC || end > bytes.length) break;
    const payload = bytes.subarray(offset + HEADER_BYTES, end);
    if (crc32(payload) !== bytes.readUInt32LE(offset + 8)) break;
    const record = decodePayload(payload, dimensions);
    if (!record) break;
    records.push(record);
    offset = end;
  }
  return { records, validBytes: offset };
}

function decodePayload(payload: Buffer, dimensions: number): LogRecord | undefined {
  if (payload.length < 4) return undefined;
  const jsonBytes = payload.readUInt32LE(0);
  const entry = JSON.parse(payload.toString('utf8', 4, 4 + jsonBytes)) as LogEntry;
  const count =
    entry.op === 'upsert'
      ? entry.documents.reduce((total, document) => total + document.chunks.length, 0)
      : 0;
  if (payload.length !== 4 + jsonBytes + count * dimensions * 4) return undefined;
  // Copy out: the payload's offset in the file is not 4-byte aligned for a Float32Array view.
  const vectors = Array.from({ length: count }, (_, index) => {
    const start = 4 + jsonBytes + index * dimensions * 4;
    const vector = new Float32Array(dimensions);
    new Uint8Array(vector.buffer).set(payload.subarray(start, start + dimensions * 4));
    return vector;
  });
  return { entry, vectors };
}

/** Appends whole records and makes them durable before resolving (the commit point of a write). */
export async function appendLogRecords(file: string, bytes: Buffer, created: boolean) {
  await fs.appendFile(file, bytes);
  await fsyncFile(file);
  // A new file's directory entry is only durable once the directory is synced.
  if (created) await fsyncDirectory(path.dirname(file));
}

/** Cuts a torn tail off before the next append. Call only while holding the collection lock. */
export async function truncateLog(file: string, validBytes: number): Promise<void> {
  await fs.truncate(file, validBytes);
  await fsyncFile(file);
}

export async function readLog(file: string, dimensions: number): Promise<LogContents> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch (error) {
    if (isErrorCode(error, 'ENOENT')) return { records: [], validBytes: 0, fileBytes: 0 };
    throw error;
  }
  return { ...decodeLogRecords(bytes, dimensions), fileBytes: bytes.length };
}

/**
 * The records after byte `offset`, read synchronously: a search catching up with another
 * process's appends reads a few kilobytes, cheaper than a trip through the thread pool.
 */
export function readLogSince(file: string, offset: number, dimensions: number): LogContents {
  let descriptor: number;
  try {
    descriptor = openSync(file, 'r');
  } catch (error) {
    if (isErrorCode(error, 'ENOENT')) return { records: [], validBytes: offset, fileBytes: 0 };
    throw error;
  }
  try {
    const fileBytes = fstatSync(descriptor).size;
    const bytes = Buffer.alloc(Math.max(0, fileBytes - offset));
    let read = 0;
    while (read < bytes.length) {
      const count = readSync(descriptor, bytes, read, bytes.length - read, offset + read);
      if (count === 0) break;
      read += count;
    }
    const decoded = decodeLogRecords(bytes.subarray(0, read), dimensions);
    return { records: decoded.records, validBytes: offset + decoded.validBytes, fileBytes };
  } finally {
    closeSync(descriptor);
  }
}
