/** A code as people read it in a report, a CSV or a PDF: `limit_reached` → "limit reached". */
export const codeWords = (code: string): string => code.replace(/_/g, ' ');
