import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { startTestApp, type TestApp } from './support/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

describe('the checked-in OpenAPI document', () => {
  it('matches what the code generates (run `npm run openapi` after changing the API)', async () => {
    const served = (await t.http.get('/api/docs-json').expect(200)).body;
    const committed = JSON.parse(readFileSync('openapi.json', 'utf8'));
    expect(served).toEqual(committed);
  });
});
