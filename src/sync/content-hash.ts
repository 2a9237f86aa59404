/**
 * Owns "did this record change?": a canonical JSON form (keys sorted at every depth) of a record's
 * content and its SHA-256. Content is every field a client can see in the unified model, minus
 * the fields in VOLATILE_FIELDS. It never reads or writes storage; the diff compares the hashes.
 */
import { hash } from 'node:crypto';

/**
 * Fields left out of the content and so of the hash:
 * - `remote_data`: the raw provider payload. It carries attributes nobody mapped (salary, IBAN,
 *   unmapped custom attributes), provider key order and provider timestamps, so it changes when
 *   nothing a client sees changed; it is stored on every real change and served only on request.
 * - `remote_updated_at`: Personio bumps `last_modified_at` (v2: person or employment
 *   `updated_at`) for edits to attributes we do not expose or the credentials cannot read, so it
 *   moves without content changes. Stored with the next real change, never a change by itself.
 * - `id`, `created_at`, `updated_at`, `remote_deleted_at`: the gateway's own bookkeeping, not
 *   source content; a stored record may carry them and must still hash like the fresh read.
 * `remote_created_at` stays in: it is when the person was created in Personio and does not move.
 */
export const VOLATILE_FIELDS: readonly string[] = [
  'remote_data',
  'remote_updated_at',
  'id',
  'created_at',
  'updated_at',
  'remote_deleted_at',
];

const volatile = new Set(VOLATILE_FIELDS);

/** The record without its volatile fields: what the hash and the diff's field comparison see. */
export function contentOf(record: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if (volatile.has(key)) continue;
    // An own "__proto__" member (JSON.parse makes those) assigned with `=` would set the
    // prototype instead and vanish from the content, the diff and the hash.
    if (key === '__proto__') {
      Object.defineProperty(out, key, {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else {
      out[key] = value;
    }
  }
  return out;
}

/**
 * JSON with object keys sorted at every depth, so two equal records give equal text whatever
 * order a mapper built them in. Array order is content (it is kept). Like JSON.stringify,
 * undefined object members are dropped and non-finite numbers become null; types JSON cannot
 * express (bigint, functions, symbols) are a programming error and throw.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'string':
      return jsonString(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : 'null';
    case 'object': {
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i += 1) {
          if (i > 0) out += ',';
          out += canonicalJson(value[i]);
        }
        return `${out}]`;
      }
      if (value instanceof Date) return JSON.stringify(value.toISOString());
      return objectJson(value as Record<string, unknown>, nestedPlans);
    }
    default:
      throw new TypeError(`cannot hash a ${typeof value}`);
  }
}

/**
 * An object's members in key order, without the keys its plans leave out. It runs for every record of
 * every run, and a no-change run is little else, so the sorted, quoted keys of each key list
 * are planned once (see `MemberPlans`) and the text is one concatenation. Keys sort by UTF-16
 * code units, as `<` compares.
 */
function objectJson(value: Record<string, unknown>, plans: MemberPlans): string {
  const { keys, quoted } = plans.of(Object.keys(value));
  let out = '{';
  let first = true;
  for (let i = 0; i < keys.length; i += 1) {
    const member = value[keys[i]!];
    if (member === undefined) continue;
    if (first) first = false;
    else out += ',';
    out += quoted[i]!;
    out += typeof member === 'string' ? jsonString(member) : canonicalJson(member);
  }
  return `${out}}`;
}

/**
 * A string as JSON.stringify writes it, byte for byte. Most strings a record holds (ids, dates,
 * names) need no escape, and for those a scan in JavaScript is about half the cost of the call
 * into JSON.stringify, which was most of a record's canonical form; any character JSON escapes
 * or may escape (controls, quote, backslash, any surrogate) hands the string to JSON.stringify.
 */
function jsonString(value: string): string {
  for (let i = 0; i < value.length; i += 1) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x22 || code === 0x5c || (code >= 0xd800 && code <= 0xdfff)) {
      return JSON.stringify(value);
    }
  }
  return `"${value}"`;
}

/** The members an object is written with: kept keys sorted, and each as `"key":`. */
interface MemberPlan {
  keys: string[];
  quoted: string[];
}

/**
 * Member plans by key list, as `Object.keys` gives it: a trie with one node per key, so a
 * lookup reads each key once and builds no string. Records of one resource share a handful of
 * key lists (custom fields are per connection), so a run plans a few dozen. Bounded by the keys
 * it holds (a node and a planned key count one each), not by its nodes, since one node can end
 * a key list of any length: when full it starts again empty, as the reference cache in
 * gateway-id.ts does, so the shapes in use are planned again and kept.
 */
class MemberPlans {
  private root: PlanNode = emptyNode();
  private held = 0;

  constructor(private readonly skip: ReadonlySet<string> | undefined) {}

  of(keys: readonly string[]): MemberPlan {
    return this.find(keys) ?? this.add(keys);
  }

  /** The plan kept for this key list, if any: the path of every lookup after the first. */
  private find(keys: readonly string[]): MemberPlan | undefined {
    let node: PlanNode | undefined = this.root;
    for (const key of keys) {
      node = node.next.get(key);
      if (node === undefined) return undefined;
    }
    return node.plan;
  }

  private add(keys: readonly string[]): MemberPlan {
    // At most one node and one planned key per key are added.
    if (this.held + keys.length * 2 > MAX_PLANNED_KEYS) {
      this.root = emptyNode();
      this.held = 0;
    }
    let node = this.root;
    for (const key of keys) {
      let next = node.next.get(key);
      if (next === undefined) {
        next = emptyNode();
        node.next.set(key, next);
        this.held += 1;
      }
      node = next;
    }
    node.plan = this.plan(keys);
    this.held += node.plan.keys.length;
    return node.plan;
  }

  private plan(keys: readonly string[]): MemberPlan {
    const { skip } = this;
    const kept = keys.filter((key) => skip === undefined || !skip.has(key)).sort();
    return { keys: kept, quoted: kept.map((key) => `${JSON.stringify(key)}:`) };
  }
}

interface PlanNode {
  next: Map<string, PlanNode>;
  plan: MemberPlan | undefined;
}

const emptyNode = (): PlanNode => ({ next: new Map(), plan: undefined });

/**
 * Keys (trie nodes plus planned keys) each trie holds at most before it starts again: a few MB
 * whatever shapes it is given. A key list longer than half of it is planned in a fresh trie.
 */
export const MAX_PLANNED_KEYS = 20_000;

const contentPlans = new MemberPlans(volatile);
const nestedPlans = new MemberPlans(undefined);

/** The canonical text the hash covers: the record's content, volatile fields left out. */
function contentJson(record: object): string {
  return objectJson(record as Record<string, unknown>, contentPlans);
}

/**
 * SHA-256 of the canonical JSON of the record's content (volatile fields excluded), as a
 * "binary" string: 32 characters, each one byte of the digest (`digestHex` gives the stored
 * form). Not a Buffer: it runs for every record a run reads, and a string costs half the call
 * and nothing for the collector to finalize, where every Buffer carries its own backing store.
 */
export function contentDigest(record: object): string {
  return hash('sha256', contentJson(record), 'binary');
}

/** A `contentDigest` as the hex text of the stored `hash` column. */
export function digestHex(digest: string): string {
  return Buffer.from(digest, 'latin1').toString('hex');
}

/** Hex SHA-256 of the canonical JSON of the record's content: the stored `hash` column. */
export function contentHash(record: object): string {
  return hash('sha256', contentJson(record), 'hex');
}
