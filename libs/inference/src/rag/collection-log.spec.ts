import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  appendLogRecords,
  decodeLogRecords,
  encodeLogRecord,
  readLog,
  readLogSince,
  truncateLog,
  type LogRecord,
} from './collection-log';
import { makeTempDirectory, removeDirectory } from '@app/testing/rag/temp-directory';

const DIMENSIONS = 3;
const totals = { documents: 1, chunks: 2 };

const RECORDS: LogRecord[] = [
  {
    entry: {
      op: 'upsert',
      documents: [
        {
          id: 'a',
          metadata: { team: 'eng' },
          chunks: [
            { id: 'a#0', label: 0, content: 'first', start: 0, end: 5 },
            { id: 'a#1', label: 1, content: 'second ✓', start: 6, end: 14 },
          ],
        },
      ],
      totals,
    },
    vectors: [Float32Array.of(1, 2, 3), Float32Array.of(-0.5, 0, 0.25)],
  },
  { entry: { op: 'delete', ids: ['a'], totals: { documents: 0, chunks: 0 } }, vectors: [] },
  {
    entry: {
      op: 'upsert',
      documents: [
        {
          id: 'b',
          metadata: {},
          chunks: [{ id: 'b#0', label: 2, content: 'b', start: 0, end: 1 }],
        },
      ],
      totals: { documents: 1, chunks: 1 },
    },
    vectors: [Float32Array.of(0, 1, 0)],
  },
];

const encoded = RECORDS.map((record) => encodeLogRecord(record, DIMENSIONS));
const whole = Buffer.concat(encoded);

describe('collection log', () => {
  let directory: string;
  beforeEach(() => (directory = makeTempDirectory()));
  afterEach(() => removeDirectory(directory));

  it('decodes what it encodes, vectors included', () => {
    const { records, validBytes } = decodeLogRecords(whole, DIMENSIONS);
    expect(validBytes).toBe(whole.length);
    expect(records).toEqual(RECORDS);
  });

  it('keeps exactly the whole records of a log cut at any byte (a torn tail)', () => {
    const ends = encoded.map((_, index) =>
      encoded.slice(0, index + 1).reduce((total, record) => total + record.length, 0),
    );
    for (let length = 0; length <= whole.length; length++) {
      const complete = ends.filter((end) => end <= length).length;
      const { records, validBytes } = decodeLogRecords(whole.subarray(0, length), DIMENSIONS);
      expect(records).toHaveLength(complete);
      expect(validBytes).toBe(complete === 0 ? 0 : ends[complete - 1]);
    }
  });

  it('stops at a record whose checksum does not match, and at zero-filled space', () => {
    const flipped = Buffer.from(whole);
    flipped[encoded[0].length + 20] ^= 0xff;
    expect(decodeLogRecords(flipped, DIMENSIONS).records).toHaveLength(1);
    const zeroFilled = Buffer.concat([encoded[0], Buffer.alloc(64)]);
    expect(decodeLogRecords(zeroFilled, DIMENSIONS)).toMatchObject({
      validBytes: encoded[0].length,
    });
  });

  it('appends durably, reads from an offset, and truncates a torn tail', async () => {
    const file = path.join(directory, 'log-1.bin');
    expect(await readLog(file, DIMENSIONS)).toEqual({ records: [], validBytes: 0, fileBytes: 0 });
    await appendLogRecords(file, encoded[0], true);
    await appendLogRecords(file, encoded[1], false);
    fs.appendFileSync(file, encoded[2].subarray(0, 10));
    const log = await readLog(file, DIMENSIONS);
    expect(log.records).toEqual(RECORDS.slice(0, 2));
    expect(log.fileBytes).toBe(log.validBytes + 10);
    expect(readLogSince(file, encoded[0].length, DIMENSIONS).records).toEqual([RECORDS[1]]);

    await truncateLog(file, log.validBytes);
    await appendLogRecords(file, encoded[2], false);
    expect((await readLog(file, DIMENSIONS)).records).toEqual(RECORDS);
  });
});
