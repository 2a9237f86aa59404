import { createHash } from 'node:crypto';
import fc from 'fast-check';
import {
  canonicalJson,
  contentDigest,
  contentHash,
  contentOf,
  digestHex,
  MAX_PLANNED_KEYS,
  VOLATILE_FIELDS,
} from './content-hash';
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

/**
 * The first implementation, kept as the reference: stored hashes were made with it, so any
 * rewrite must give the same text for every value, or every record would look changed once.
 */
function referenceJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : 'null';
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((item) => referenceJson(item)).join(',')}]`;
      if (value instanceof Date) return JSON.stringify(value.toISOString());
      const entries = Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${referenceJson(v)}`).join(',')}}`;
    }
    default:
      throw new TypeError(`cannot hash a ${typeof value}`);
  }
}

describe('hash compatibility with the stored hashes', () => {
  const member = fc.oneof(
    fc.string(),
    fc.string({ unit: 'grapheme' }),
    fc.double(),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
    fc.date({ noInvalidDate: true }),
  );
  const content = fc.letrec((tie) => ({
    value: fc.oneof({ depthSize: 'small' }, member, tie('array'), tie('object')),
    array: fc.array(tie('value'), { maxLength: 4 }),
    object: fc.dictionary(
      fc.oneof(fc.string(), fc.constantFrom(...VOLATILE_FIELDS)),
      tie('value'),
      {
        maxKeys: 6,
      },
    ),
  }));

  it('writes the same canonical JSON as the first implementation for any value', () => {
    fc.assert(
      fc.property(content.value, (value) => {
        expect(canonicalJson(value)).toBe(referenceJson(value));
      }),
      { numRuns: 500 },
    );
  });

  it('writes every string as JSON.stringify does, escapes and lone surrogates included', () => {
    const awkward = ['', 'plain', 'a"b', 'a\\b', '\u0000', '\n\t', '\u001f', '\u007f', '\u2028'];
    awkward.push('\ud83d\ude00', '\ud83d', 'x\ude00', '\udbff\udfff', 'ü€');
    for (const text of awkward) {
      expect(canonicalJson(text)).toBe(JSON.stringify(text));
      expect(canonicalJson({ k: text })).toBe(`{"k":${JSON.stringify(text)}}`);
    }
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary-ascii' }), (a, b) => {
        expect(canonicalJson(a)).toBe(JSON.stringify(a));
        expect(canonicalJson({ a, b })).toBe(JSON.stringify({ a, b }));
      }),
      { numRuns: 1000 },
    );
  });

  it('hashes any record as sha256(reference JSON of its content), hex and bytes alike', () => {
    fc.assert(
      fc.property(content.object, (record) => {
        const expected = createHash('sha256')
          .update(referenceJson(contentOf(record)), 'utf8')
          .digest();
        expect(contentHash(record)).toBe(expected.toString('hex'));
        expect(Buffer.from(contentDigest(record), 'latin1').equals(expected)).toBe(true);
        expect(digestHex(contentDigest(record))).toBe(expected.toString('hex'));
      }),
      { numRuns: 500 },
    );
  });
});

describe('key lists beyond what the member plans keep', () => {
  it('are written like the reference before and after the plans start again', () => {
    // Each record has a key list of its own: together several times what a trie holds.
    for (let i = 0; i < MAX_PLANNED_KEYS / 2; i += 1) {
      const record = { [`z${i}`]: i, [`a${i}`]: { id: i, remote_data: 'kept when nested' } };
      const expected = referenceJson(record);
      expect(canonicalJson(record)).toBe(expected);
      expect(canonicalJson(record)).toBe(expected);
    }
    // One key list longer than a trie holds, twice, then the shapes of ordinary records again.
    const wide = Object.fromEntries(
      Array.from({ length: MAX_PLANNED_KEYS }, (_, i) => [`k${MAX_PLANNED_KEYS - i}`, i]),
    );
    expect(canonicalJson(wide)).toBe(referenceJson(wide));
    expect(canonicalJson(wide)).toBe(referenceJson(wide));
    const late = { remote_data: 1, b: 2, a: [1, { d: 1, c: 2 }] };
    expect(canonicalJson(late)).toBe('{"a":[1,{"c":2,"d":1}],"b":2,"remote_data":1}');
    expect(contentHash(late)).toBe(contentHash({ a: [1, { c: 2, d: 1 }], b: 2 }));
  });
});

describe('an own "__proto__" member (found by the property above, seed 1467503532)', () => {
  it('stays content: it is hashed and seen by the diff like any other member', () => {
    const record = JSON.parse('{"__proto__":{},"name":"x"}') as Record<string, unknown>;
    expect(Object.keys(contentOf(record))).toEqual(['__proto__', 'name']);
    expect(contentHash(record)).not.toBe(contentHash({ name: 'x' }));
  });
});
