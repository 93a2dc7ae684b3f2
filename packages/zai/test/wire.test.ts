import { describe, expect, it } from 'vitest';
import { SyncImageResponse, SyncImageResponseExact } from '../src/wire.ts';

const documented = [
  { created: 1_760_000_000, data: [{ url: 'https://cdn.test/a.png' }], request_id: 'r-1', id: 'r-1' },
  { created: 1_760_000_000, data: [{ b64_json: 'iVBORw0KGgo=' }], content_filter: [{ role: 'assistant', level: 3 }], extra: { kept: true } },
  { data: [] },
  {},
];
const deviating = [
  { created: '1760000000', data: [{ url: 'https://cdn.test/a.png' }] },
  { data: [{ url: null, b64_json: 'iVBORw0KGgo=' }], request_id: 12345678901 },
  { data: 'none', content_filter: [{ role: 'user', level: '2' }] },
];

describe('SyncImageResponseExact (the sync body parsed first)', () => {
  it('parses a documented body to exactly what the lenient schema gives', () => {
    for (const body of documented) expect(SyncImageResponseExact.parse(body)).toEqual(SyncImageResponse.parse(body));
  });

  it('refuses what the lenient schema must repair, so the lenient one reads it', () => {
    for (const body of deviating) {
      expect(SyncImageResponseExact.safeParse(body).success).toBe(false);
      expect(SyncImageResponse.safeParse(body).success).toBe(true);
    }
    expect(SyncImageResponse.parse(deviating[1])).toMatchObject({ request_id: '12345678901', data: [{ url: undefined, b64_json: 'iVBORw0KGgo=' }] });
  });
});
