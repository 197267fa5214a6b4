/**
 * `Content-Disposition: attachment` for a file name that may carry anything a JMS sent (a
 * booking id in any script, quotes, semicolons, line breaks), per RFC 6266: `filename*` with
 * the name in UTF-8, percent-encoded (RFC 5987/8187), and a plain `filename` for old clients,
 * in safe ASCII only (every other character replaced by `_`), so no header can be broken or
 * a second parameter injected.
 */
export function attachment(filename: string): string {
  const ascii = filename.replace(/[^A-Za-z0-9._-]/g, '_');
  const encoded = encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
