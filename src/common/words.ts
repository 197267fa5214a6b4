/** A code as people read it in a report, a CSV or a PDF: `limit_reached` → "limit reached". */
export const codeWords = (code: string): string => code.replace(/_/g, ' ');

/** A sentence's text without its closing full stop (or trailing space), to set inside another sentence. */
export const clause = (text: string): string => text.replace(/[.\s]+$/, '');
