import { parseArgs, type ParseArgsConfig } from 'node:util';

type OptionConfigs = NonNullable<ParseArgsConfig['options']>;
type Values<T extends OptionConfigs> = ReturnType<typeof parseArgs<{ options: T }>>['values'];

export interface BenchCommand<T extends OptionConfigs> {
  values: Values<T>;
  /** Ends the run on a wrong option value: one line naming it, the usage hint, exit code 2. */
  fail(message: string): never;
}

/**
 * A bench's command line, parsed by `node:util`'s `parseArgs`, plus what parseArgs leaves to its
 * caller: `--help` (or `-h`) prints the bench's usage and exits, and an unknown option or a
 * malformed value ends the run with one line that names it (exit code 2) instead of a stack trace.
 *
 * @param script how a user runs the bench, e.g. `npm run bench:overhead --` (for the hint)
 * @param usage the text `--help` prints: the options, their defaults and what they do
 */
export function benchCommand<const T extends OptionConfigs>(
  script: string,
  usage: string,
  options: T,
  argv: string[] = process.argv.slice(2),
): BenchCommand<T> {
  const fail = (message: string): never => {
    console.error(`${script.replace(/ --$/, '')}: ${message}`);
    console.error(`Run \`${script} --help\` for its options.`);
    process.exit(2);
  };
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(usage.trim());
    process.exit(0);
  }
  try {
    const { values } = parseArgs({ args: argv, options, strict: true });
    return { values: values as Values<T>, fail };
  } catch (error) {
    // parseArgs' first sentence names the option; the rest is advice about positionals.
    return fail((error as Error).message.split('. ')[0]);
  }
}

/**
 * `--help` text for a bench whose option names say what they are: how to run it, what it
 * measures, then one `--name VALUE [default]` line per option.
 */
export function usageOf(
  script: string,
  summary: readonly string[],
  options: OptionConfigs,
): string {
  const lines = Object.entries(options).map(([name, config]) => {
    const value = config.type === 'string' ? ' VALUE' : '';
    const fallback =
      config.default === undefined || config.default === false
        ? ''
        : ` [${String(config.default)}]`;
    return `  --${name}${value}${fallback}`;
  });
  return [
    `${script} [options]`,
    '',
    ...summary,
    'Options [defaults]:',
    ...lines,
    '  --help                this text',
  ].join('\n');
}
