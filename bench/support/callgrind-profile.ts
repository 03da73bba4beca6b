/**
 * Counting a process's instructions with valgrind's callgrind: started with instrumentation off,
 * switched on and off around the requests to measure (`callgrind_control`), then summed by
 * function. Instruction counts do not depend on what else the machine runs, so two builds can be
 * compared on a noisy host where CPU time cannot (see the README's twelfth round).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';

/** A short command run to its end: its output, or an error naming it. */
function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): string {
  const result = spawnSync(command, args, {
    env,
    encoding: 'utf8',
    timeout: 300_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.error) throw new Error(`${command}: ${result.error.message}`);
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr || result.stdout}`);
  return result.stdout;
}

/**
 * vgdb, which `callgrind_control` talks through, names its pipes after USER and HOST as the
 * profiled process saw them; the gateway reads HOST as its listen address. Both sides get these.
 */
export const VGDB_ENV = { USER: 'bench', HOST: '127.0.0.1' };

/** valgrind's options for a process whose collection `callgrindControl` turns on later. */
export function callgrindArgs(outputFile: string): string[] {
  return [
    '--tool=callgrind',
    '--instr-atstart=no',
    // V8 writes and rewrites machine code at run time.
    '--smc-check=all-non-file',
    `--callgrind-out-file=${outputFile}`,
  ];
}

export function requireValgrind(): void {
  try {
    run('valgrind', ['--version']);
  } catch {
    throw new Error(
      'valgrind is not installed (Debian: apt-get install -y valgrind); this bench runs the gateway under it',
    );
  }
}

/** `callgrind_control -i on|off` or `-d` (dump) for the process `pid`. */
export function callgrindControl(pid: number, command: 'on' | 'off' | 'dump'): void {
  const args = command === 'dump' ? ['-d', String(pid)] : ['-i', command, String(pid)];
  run('callgrind_control', args, { ...process.env, ...VGDB_ENV });
}

/** One function's instructions, as `callgrind_annotate` names it. */
export interface FunctionCost {
  name: string;
  instructions: number;
}

export interface InstructionProfile {
  total: number;
  /** V8's optimizing compilers (TurboFan, Maglev) and parser: how much tiering ran meanwhile. */
  compiler: number;
  /** V8's garbage collector, on every thread. */
  gc: number;
  functions: FunctionCost[];
}

const COMPILER =
  /compiler::|turboshaft|[Mm]aglev|Pipeline|RegisterAllocator|InstructionSelector|LiveRange|BytecodeGenerator|Parser|Scanner|Zone::/;
const GC =
  /Scavenger|Heap::|MarkCompact|Sweeper|MarkingVisitor|heap::|ConcurrentMarking|Evacuat|RememberedSet|SlotSet|IncrementalMarking|MemoryAllocator|PagedSpace|Ephemeron/;

/**
 * The dump files of `outputFile` (`name.PID` and its numbered parts), summed by function with
 * JIT addresses named from V8's `/tmp/perf-PID.map` (`node --perf-basic-prof`), their paths relative
 * to `root` (the build's directory).
 */
export function readInstructionProfile(
  outputFile: string,
  pid: number,
  root: string,
): InstructionProfile {
  const directory = dirname(outputFile);
  const files = readdirSync(directory)
    .filter((name) => name.startsWith(`${basename(outputFile).replace('%p', String(pid))}`))
    .map((name) => `${directory}/${name}`);
  if (files.length === 0) throw new Error(`no callgrind output for ${outputFile} (pid ${pid})`);
  const names = jitNames(`/tmp/perf-${pid}.map`, root);
  const costs = new Map<string, number>();
  for (const file of files) {
    const annotated = run('callgrind_annotate', ['--inclusive=no', '--threshold=100', file]);
    for (const line of annotated.split('\n')) {
      const match = /^\s*([\d,]+) \(\s*[\d.]+%\)\s+(.*)$/.exec(line);
      if (!match || match[2].includes('PROGRAM TOTALS')) continue;
      const name = names(match[2]);
      costs.set(name, (costs.get(name) ?? 0) + Number(match[1].replaceAll(',', '')));
    }
  }
  const functions = [...costs]
    .map(([name, instructions]) => ({ name, instructions }))
    .sort((a, b) => b.instructions - a.instructions);
  const sum = (pattern?: RegExp) =>
    functions
      .filter((cost) => !pattern || pattern.test(cost.name))
      .reduce((total, cost) => total + cost.instructions, 0);
  return { total: sum(), compiler: sum(COMPILER), gc: sum(GC), functions };
}

/** Replaces `???:0x… [???]` with the JIT function at that address, when the map has it. */
function jitNames(mapFile: string, root: string): (name: string) => string {
  if (!existsSync(mapFile)) return (name) => name;
  const entries = readFileSync(mapFile, 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const [start, size, ...rest] = line.split(' ');
      return {
        start: parseInt(start, 16),
        end: parseInt(start, 16) + parseInt(size, 16),
        name: rest.join(' '),
      };
    });
  return (name) => {
    const address = /^\?\?\?:0x([0-9a-f]+) \[\?\?\?\]$/.exec(name);
    if (!address) return name.replace(/^\?\?\?:/, '');
    const at = parseInt(address[1], 16);
    // The last mapping wins: V8 reuses addresses for newer code.
    for (let index = entries.length - 1; index >= 0; index -= 1) {
      const entry = entries[index];
      // Paths relative to the build (and its dependencies to node_modules, which a second build
      // may link from the first), so two builds' functions compare by name.
      if (entry.start <= at && at < entry.end)
        return `JIT ${entry.name.replace(`${root}/`, '').replace(/ \/\S*?\/node_modules\//, ' node_modules/')}`;
    }
    return 'JIT (unnamed)';
  };
}
