import { gatewayId, gatewayRef } from './gateway-id';

const CONNECTION_A = '0b3c7e0e-8f7a-4b1e-9c55-0d6f3a2b1c9d';
const CONNECTION_B = '7d1e2f3a-4b5c-4d6e-8f70-112233445566';
/** From Python's uuid.uuid5, an implementation independent of ours. */
const PINNED_UTF8 = '0e5b2f84-75a2-5abe-a546-e8c246f2fdaa';

describe('gatewayId', () => {
  it('is a version-5 RFC 9562 UUID', () => {
    expect(gatewayId(CONNECTION_A, 'employees', '42')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it('is the same for the same connection, resource and remote id, every time', () => {
    expect(gatewayId(CONNECTION_A, 'employees', '42')).toBe(
      gatewayId(CONNECTION_A, 'employees', '42'),
    );
  });

  it('differs across connections, resources and remote ids', () => {
    const ids = new Set([
      gatewayId(CONNECTION_A, 'employees', '42'),
      gatewayId(CONNECTION_B, 'employees', '42'),
      gatewayId(CONNECTION_A, 'teams', '42'),
      gatewayId(CONNECTION_A, 'employees', '43'),
      // The separator keeps "4" + "2x" apart from "42" + "x".
      gatewayId(CONNECTION_A, 'employees', '4\u00002'),
    ]);
    expect(ids.size).toBe(5);
  });

  it('resolves references by connection, resource and remote id alike, cached or not', () => {
    const names = [
      [CONNECTION_A, 'employees', '42'],
      [CONNECTION_B, 'employees', '42'],
      [CONNECTION_A, 'teams', '42'],
      [CONNECTION_A, 'employees', '43'],
    ] as const;
    for (let pass = 0; pass < 2; pass += 1) {
      for (const [connection, resource, remoteId] of names) {
        expect(gatewayRef(connection, resource, remoteId)).toBe(
          gatewayId(connection, resource, remoteId),
        );
      }
    }
  });

  it('never changes: stored records and references depend on it', () => {
    // Computed once from the namespace and the name; a change here re-keys every stored record.
    expect(gatewayId(CONNECTION_A, 'employees', '42')).toBe('644c339e-c440-5f45-9a7a-b6037eccd487');
  });

  it('resolves references to the same ids before and after its cache fills and is cleared', () => {
    const first = Array.from({ length: 20 }, (_, i) =>
      gatewayRef(CONNECTION_B, 'absences', `a${i}`),
    );
    for (let i = 0; i < 120_000; i += 1) gatewayRef(CONNECTION_A, 'employees', String(i));
    expect(
      Array.from({ length: 20 }, (_, i) => gatewayRef(CONNECTION_B, 'absences', `a${i}`)),
    ).toEqual(first);
    expect(first).toEqual(
      Array.from({ length: 20 }, (_, i) => gatewayId(CONNECTION_B, 'absences', `a${i}`)),
    );
    expect(gatewayRef(CONNECTION_A, 'employees', '42')).toBe(
      '644c339e-c440-5f45-9a7a-b6037eccd487',
    );
  });

  it('hashes names beyond ASCII as UTF-8, as RFC 9562 asks', () => {
    expect(gatewayId(CONNECTION_A, 'employees', 'Zoë')).toBe(PINNED_UTF8);
  });

  it('keeps null references null', () => {
    expect(gatewayRef(CONNECTION_A, 'employees', null)).toBeNull();
    expect(gatewayRef(CONNECTION_A, 'employees', '1')).toBe(
      gatewayId(CONNECTION_A, 'employees', '1'),
    );
  });
});
