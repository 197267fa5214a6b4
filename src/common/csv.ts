import { stringify } from 'csv-stringify/sync';

/** What a spreadsheet reads as the start of a formula (OWASP, "CSV Injection"). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * A text cell a spreadsheet will show as text: one that begins with `=`, `+`, `-`, `@`, a tab
 * or a carriage return gets a single quote in front, as OWASP advises, so that `=HYPERLINK(...)`
 * sent as a name or an id is never run. Numbers are left as numbers.
 */
export const neutralisedCell = (value: string) => (FORMULA_START.test(value) ? `'${value}` : value);

/** Every CSV the app writes, through the one writer: text cells neutralised, numbers as they are. */
export function toCsv(rows: unknown[][]): string {
  return stringify(rows, { cast: { string: neutralisedCell } });
}
