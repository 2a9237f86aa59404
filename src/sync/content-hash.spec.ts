import { canonicalJson, contentHash, contentOf, VOLATILE_FIELDS } from './content-hash';
import { sampleEmployee } from './sync.test-kit';

describe('canonicalJson', () => {
  it('sorts keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, 1], c: null } })).toBe(
      '{"a":{"c":null,"d":[3,1]},"b":1}',
    );
  });

  it('drops undefined members and writes non-finite numbers as null, like JSON', () => {
    expect(canonicalJson({ a: undefined, b: Number.NaN, c: 'x' })).toBe('{"b":null,"c":"x"}');
  });

  it('refuses values JSON cannot express', () => {
    expect(() => canonicalJson({ a: BigInt(1) })).toThrow(TypeError);
  });
});

describe('contentHash', () => {
  it('is a sha256 hex digest that does not depend on key order', () => {
    const a = sampleEmployee();
    const reordered = Object.fromEntries(Object.entries(a).reverse());
    expect(contentHash(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(contentHash(reordered)).toBe(contentHash(a));
  });

  it('ignores volatile fields: raw payload, remote_updated_at and gateway bookkeeping', () => {
    const a = sampleEmployee();
    const b = {
      ...sampleEmployee({
        remote_data: { id: 101, salary: 99 },
        remote_updated_at: '2026-11-21T00:00:00.000Z',
      }),
      id: 'c0ffee',
      created_at: '2026-01-01T00:00:00.000Z',
      updated_at: '2026-11-21T00:00:00.000Z',
      remote_deleted_at: null,
    };
    expect(contentHash(b)).toBe(contentHash(a));
    expect(Object.keys(contentOf(b)).filter((k) => VOLATILE_FIELDS.includes(k))).toEqual([]);
  });

  it('changes when any exposed field changes, custom fields and remote_created_at included', () => {
    const base = contentHash(sampleEmployee());
    expect(contentHash(sampleEmployee({ job_title: 'CTO' }))).not.toBe(base);
    expect(contentHash(sampleEmployee({ custom_fields: { dynamic_1: 'No' } }))).not.toBe(base);
    expect(contentHash(sampleEmployee({ remote_created_at: null }))).not.toBe(base);
    expect(contentHash(sampleEmployee({ email: null }))).not.toBe(base);
  });
});
