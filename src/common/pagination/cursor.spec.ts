import { ProblemException } from '../errors/problem';
import { decodeCursor, encodeCursor } from './cursor';

const ID = '3f1c2a7e-5b8d-4c9e-a1f0-7d6e5c4b3a21';
const raw = (key: unknown): string => Buffer.from(JSON.stringify(key)).toString('base64url');

describe('keyset cursors', () => {
  it('round-trips what the API hands out', () => {
    const t = '2026-12-06T12:00:00.123Z';
    expect(decodeCursor(encodeCursor({ t, id: ID }), (k) => k)).toEqual({ t, id: ID });
  });

  it.each([
    ['a time PostgreSQL cannot store', { t: '-271821-04-20T00:00:00Z', id: ID }],
    ['a time without a zone', { t: '2026-12-06T12:00:00', id: ID }],
    ['a day that does not exist', { t: '2026-02-30T00:00:00Z', id: ID }],
    ['a number for the time', { t: 1, id: ID }],
    ['an id that is no uuid', { t: '2026-12-06T12:00:00Z', id: 'x' }],
    ['no object at all', null],
  ])('refuses %s as a 400', (_what, key) => {
    expect(() => decodeCursor(raw(key), (k) => k)).toThrow(ProblemException);
  });
});
