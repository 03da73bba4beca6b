/* eslint-disable @typescript-eslint/no-require-imports -- the load has to happen inside the window */

/**
 * Loads `@nestjs/common` with its module-level `Intl.DateTimeFormat`s made on first use. Nest's
 * `Logger` and `ConsoleLogger` each build one when their module loads, to stamp console lines;
 * building one makes V8 list every locale ICU has for date formats, which touches ~5 MB of the
 * ICU data inside the node binary: 5 MB of the gateway's RSS, for a formatter that formats
 * nothing unless Nest itself logs to the console (the gateway logs through pino). Any use of the
 * formatter (`format`, `formatToParts`, …) builds the real one then, with the same arguments.
 * `Intl.DateTimeFormat` is itself again as soon as the load returns. No library does this.
 */
export function loadNestWithDeferredDateFormats(): void {
  const RealDateTimeFormat = Intl.DateTimeFormat;
  const deferred = function DeferredDateTimeFormat(
    locales?: string | string[],
    options?: Intl.DateTimeFormatOptions,
  ): Intl.DateTimeFormat {
    let real: Intl.DateTimeFormat | undefined;
    return new Proxy({} as Intl.DateTimeFormat, {
      get(_target, property) {
        real ??= new RealDateTimeFormat(locales, options);
        const value: unknown = Reflect.get(real, property);
        return typeof value === 'function' ? (value as () => unknown).bind(real) : value;
      },
    });
  };
  Intl.DateTimeFormat = deferred as unknown as typeof Intl.DateTimeFormat;
  try {
    require('reflect-metadata');
    require('@nestjs/common');
  } finally {
    Intl.DateTimeFormat = RealDateTimeFormat;
  }
}
