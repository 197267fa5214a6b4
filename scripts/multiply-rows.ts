/**
 * Grow a table for tests and benches: `copies` copies of each of its rows, in one statement.
 * `changed` gives, per column, the SQL that makes a copy distinct, over the row `r` and the
 * copy number `g` (1..copies); other columns are copied as they are, generated ones left out.
 */
export async function multiplyRows(query: (sql: string, params?: unknown[]) => Promise<Array<Record<string, unknown>>>, table: string, copies: number, changed: Record<string, string>): Promise<void> {
  const columns = (
    await query(
      `SELECT column_name FROM information_schema.columns
        WHERE table_schema = current_schema() AND table_name = $1 AND is_generated = 'NEVER' ORDER BY ordinal_position`,
      [table],
    )
  ).map((c) => c.column_name as string);
  await query(
    `INSERT INTO ${table} (${columns.join(', ')})
     SELECT ${columns.map((c) => changed[c] ?? `r.${c}`).join(', ')} FROM ${table} r, generate_series(1, ${copies}) g`,
  );
}
