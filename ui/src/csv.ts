/**
 * RFC 4180 CSV: fields with a comma, quote or line break are quoted, quotes doubled. A leading
 * `=`, `+`, `-` or `@` is prefixed with `'` so a spreadsheet does not run a tenant name as a
 * formula (CSV injection).
 */
export function toCsv(header: string[], rows: (string | number)[][]): string {
  const field = (value: string | number) => {
    let text = String(value);
    if (typeof value === 'string' && /^[=+\-@]/.test(text)) text = `'${text}`;
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [header, ...rows].map((row) => row.map(field).join(',')).join('\r\n') + '\r\n';
}

/** Saves text as a file through a temporary object URL (nothing leaves the browser). */
export function downloadText(filename: string, text: string, type = 'text/csv'): void {
  const url = URL.createObjectURL(new Blob([text], { type: `${type};charset=utf-8` }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
