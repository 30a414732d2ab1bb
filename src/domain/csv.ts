/**
 * RFC 4180 CSV for exports that open in spreadsheets: a field holding a comma, quote or line break
 * is quoted (quotes doubled), and a text that a spreadsheet would run as a formula (starting with
 * = + - @, a tab or a carriage return: OWASP "CSV injection") gets a leading apostrophe first.
 */

const formulaStart = /^[=+\-@\t\r]/;
const needsQuotes = /[",\r\n]/;

export type CsvCell = string | number | null;

/** One field: numbers as written, null as empty, text neutralised and quoted as needed. */
export function csvField(value: CsvCell): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const safe = formulaStart.test(value) ? `'${value}` : value;
  return needsQuotes.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Rows (the header first) as CSV text, each line ended by CRLF. */
export function csvOf(rows: readonly (readonly CsvCell[])[]): string {
  return rows.map((row) => `${row.map(csvField).join(',')}\r\n`).join('');
}
