/* eslint-disable @typescript-eslint/no-require-imports -- the module under test loads Nest itself */
import { loadNestWithDeferredDateFormats } from './defer-nest-date-formats';

describe('loadNestWithDeferredDateFormats', () => {
  const RealDateTimeFormat = Intl.DateTimeFormat;

  it('leaves Intl.DateTimeFormat as it was once Nest has loaded', () => {
    loadNestWithDeferredDateFormats();
    expect(Intl.DateTimeFormat).toBe(RealDateTimeFormat);
    expect(new Intl.DateTimeFormat('en-US').resolvedOptions().locale).toBe('en-US');
  });

  it("still stamps Nest's console lines with the date and time when Nest logs", () => {
    jest.isolateModules(() => {
      loadNestWithDeferredDateFormats();
      const { ConsoleLogger } = require('@nestjs/common') as typeof import('@nestjs/common');
      const written: string[] = [];
      const write = jest
        .spyOn(process.stdout, 'write')
        .mockImplementation((chunk: string | Uint8Array) => {
          written.push(String(chunk));
          return true;
        });
      try {
        new ConsoleLogger('Spec', { colors: false }).log('hello');
      } finally {
        write.mockRestore();
      }
      const expected = new RealDateTimeFormat(undefined, {
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
      }).format(new Date());
      expect(written.join('')).toContain('hello');
      expect(written.join('')).toContain(expected);
    });
  });
});
