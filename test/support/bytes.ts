import type { Test } from 'supertest';

/** A request whose answer is kept as bytes (a PDF, a gzip), not parsed: `bytes(t.http.get(...))`, then `.body` is a Buffer. */
export const bytes = (r: Test): Test =>
  r.buffer(true).parse((res, cb) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => cb(null, Buffer.concat(chunks)));
  });
