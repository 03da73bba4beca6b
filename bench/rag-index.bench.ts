/**
 * HNSW vs exact search on synthetic 384-d embeddings: build time, recall@10 against the exact
 * index at several efSearch values, single-thread searches/s and p99 latency, RSS growth while
 * building, and bytes on disk.
 *
 *   npm run bench:rag -- --size 10000 --queries 200
 *   BENCH_N=10000 node --expose-gc dist-tools/bench/rag-index.bench.js   (also --n=10000)
 *
 * Defaults: N 100,000 (takes several minutes on 2 cores), 200 queries. The same numbers over a
 * collection served by the gateway: `npm run bench:rag:gateway` (rag-search-gateway.bench.ts).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ExactVectorIndex } from '../libs/inference/src/rag/exact-vector-index';
import { HnswVectorIndex } from '../libs/inference/src/rag/hnsw-vector-index';
import { clusteredVectors, randomVectors } from '@app/testing/rag/synthetic-vectors';
import type { VectorIndex } from '../libs/inference/src/rag/vector-index';

const DIMENSIONS = 384;
const K = 10;
const EF_VALUES = [16, 32, 64, 128];
const MIN_TIMED_SECONDS = 0.5;
const BATCH = 1000;

interface Row {
  dataset: string;
  index: string;
  efSearch: string;
  buildSeconds: string;
  recall: string;
  searchesPerSecond: string;
  p99Ms: string;
  rssMb: string;
  diskMb: string;
}

/** `--name=N`, `--name N`, or BENCH_<NAME>; each alias is tried in order. */
export function readOption(names: string[], fallback: number): number {
  let raw: string | undefined;
  for (const name of names) {
    const at = process.argv.findIndex(
      (argument) => argument === `--${name}` || argument.startsWith(`--${name}=`),
    );
    const flag = process.argv[at];
    raw ??= flag?.includes('=') ? flag.split('=')[1] : at >= 0 ? process.argv[at + 1] : undefined;
    raw ??= process.env[`BENCH_${name.toUpperCase()}`];
  }
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`--${names[0]} must be a positive integer`);
  return value;
}

function rssBytes(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().rss;
}

function timeBuild(
  index: VectorIndex,
  vectors: Float32Array[],
): { seconds: number; rssDelta: number } {
  const rssBefore = rssBytes();
  const started = performance.now();
  for (let offset = 0; offset < vectors.length; offset += BATCH) {
    const batch = vectors.slice(offset, offset + BATCH);
    index.add(
      batch.map((_, position) => offset + position),
      batch,
    );
  }
  const seconds = (performance.now() - started) / 1000;
  return { seconds, rssDelta: rssBytes() - rssBefore };
}

/** Runs the query set repeatedly for at least MIN_TIMED_SECONDS; returns throughput and p99. */
export function timeSearches(search: (query: Float32Array) => unknown, queries: Float32Array[]) {
  const latencies: number[] = [];
  const started = performance.now();
  while (
    latencies.length < queries.length ||
    performance.now() - started < MIN_TIMED_SECONDS * 1000
  ) {
    const query = queries[latencies.length % queries.length];
    const before = performance.now();
    search(query);
    latencies.push(performance.now() - before);
  }
  const elapsedSeconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    perSecond: latencies.length / elapsedSeconds,
    p99Ms: latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))],
  };
}

async function bytesOnDisk(index: VectorIndex, directory: string, name: string): Promise<number> {
  const file = path.join(directory, name);
  await index.save(file);
  return fs
    .readdirSync(directory)
    .filter((entry) => entry.startsWith(name))
    .reduce((total, entry) => total + fs.statSync(path.join(directory, entry)).size, 0);
}

function recallAt10(
  index: VectorIndex,
  queries: Float32Array[],
  truth: Set<number>[],
  efSearch: number,
): number {
  let found = 0;
  queries.forEach((query, position) => {
    found += index
      .search(query, K, { efSearch })
      .filter((hit) => truth[position].has(hit.label)).length;
  });
  return found / (K * queries.length);
}

const megabytes = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

async function benchDataset(
  name: string,
  vectors: Float32Array[],
  queries: Float32Array[],
  directory: string,
) {
  const rows: Row[] = [];
  const exact = new ExactVectorIndex(DIMENSIONS, vectors.length);
  const exactBuild = timeBuild(exact, vectors);
  const truth = queries.map((query) => new Set(exact.search(query, K).map((hit) => hit.label)));
  const exactTiming = timeSearches((query) => exact.search(query, K), queries);
  rows.push({
    dataset: name,
    index: 'exact',
    efSearch: '-',
    buildSeconds: exactBuild.seconds.toFixed(2),
    recall: '1.000',
    searchesPerSecond: exactTiming.perSecond.toFixed(0),
    p99Ms: exactTiming.p99Ms.toFixed(3),
    rssMb: megabytes(exactBuild.rssDelta),
    diskMb: megabytes(await bytesOnDisk(exact, directory, `${name}.exact`)),
  });

  const hnsw = new HnswVectorIndex({ dimensions: DIMENSIONS });
  const hnswBuild = timeBuild(hnsw, vectors);
  const hnswDisk = await bytesOnDisk(hnsw, directory, `${name}.hnsw`);
  for (const efSearch of EF_VALUES) {
    const timing = timeSearches((query) => hnsw.search(query, K, { efSearch }), queries);
    rows.push({
      dataset: name,
      index: 'hnsw M16 efC200',
      efSearch: String(efSearch),
      buildSeconds: hnswBuild.seconds.toFixed(2),
      recall: recallAt10(hnsw, queries, truth, efSearch).toFixed(3),
      searchesPerSecond: timing.perSecond.toFixed(0),
      p99Ms: timing.p99Ms.toFixed(3),
      rssMb: megabytes(hnswBuild.rssDelta),
      diskMb: megabytes(hnswDisk),
    });
  }
  return rows;
}

function printRows(rows: Row[]): void {
  printTable(rows, {
    dataset: 'dataset',
    index: 'index',
    efSearch: 'efSearch',
    buildSeconds: 'build s',
    recall: 'recall@10',
    searchesPerSecond: 'search/s',
    p99Ms: 'p99 ms',
    rssMb: 'RSS Δ MB',
    diskMb: 'disk MB',
  });
}

/** A text table: one column per header key, in the headers' order. */
export function printTable<T extends object>(rows: T[], headers: Record<keyof T, string>): void {
  const columns = Object.keys(headers) as (keyof T)[];
  const cell = (row: T, column: keyof T) => String(row[column]);
  const widths = columns.map((column) =>
    Math.max(headers[column].length, ...rows.map((row) => cell(row, column).length)),
  );
  const line = (cells: string[]) =>
    cells.map((text, index) => text.padEnd(widths[index])).join(' | ');
  console.log(line(columns.map((column) => headers[column])));
  console.log(widths.map((width) => '-'.repeat(width)).join('-|-'));
  rows.forEach((row) => console.log(line(columns.map((column) => cell(row, column)))));
}

async function main(): Promise<void> {
  const count = readOption(['size', 'n'], 100_000);
  const queryCount = readOption(['queries'], 200);
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'rag-bench-'));
  console.log(
    `RAG index bench: N=${count}, ${DIMENSIONS}-d, ${queryCount} queries, k=${K}, ${os.cpus().length} CPUs`,
  );
  try {
    const clusters = Math.max(10, Math.round(count / 1000));
    const rows = [
      ...(await benchDataset(
        'clustered',
        clusteredVectors(count, DIMENSIONS, { clusters, seed: 1 }),
        clusteredVectors(queryCount, DIMENSIONS, { clusters, seed: 2 }),
        directory,
      )),
      ...(await benchDataset(
        'uniform',
        randomVectors(count, DIMENSIONS, 3),
        randomVectors(queryCount, DIMENSIONS, 4),
        directory,
      )),
    ];
    printRows(rows);
  } finally {
    fs.rmSync(directory, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
