/**
 * Webhook URL guard (issue 8, "Safety"): a subscriber's URL must never make the gateway connect
 * to itself, its network or a cloud metadata service (SSRF).
 *
 * Three layers, each usable on its own:
 * - `checkWebhookUrl`: syntax only, no I/O. Run at registration so bad URLs are refused early.
 * - `resolveAllowed`: resolves the host, refuses if ANY answer is forbidden, returns the
 *   addresses to pin. Run at registration and again before every connection.
 * - `pinnedLookup` (pinned-lookup.ts): the socket connects only to those addresses, so a DNS
 *   answer that changes between check and connect (rebinding) cannot redirect the request.
 * `guardWebhookTarget` runs the first two in order.
 *
 * Address spellings: WHATWG URL parsing (Node's `URL`) already turns decimal, octal, hex,
 * short (`127.1`), percent-encoded and full-width IPv4 hosts into dotted decimal and compresses
 * IPv6 literals, so the guard judges the parsed hostname, never the raw text. The spec proves
 * each spelling. DNS answers are judged the same way, by address bytes, not by text.
 *
 * `allowInsecure` (development and tests only, off by default): allows `http:` and loopback
 * (127.0.0.0/8, ::1, `localhost`), because local receivers listen there. Everything else stays
 * forbidden, including loopback reached through another form (IPv4-mapped, NAT64, 0.0.0.0): a
 * test never needs those, and allowing them would widen the hole for no benefit.
 */
import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from 'node:dns';
import { isIP } from 'node:net';

export interface WebhookUrlPolicy {
  /** Development/test switch: allow `http:` and loopback receivers. */
  readonly allowInsecure: boolean;
}

export const DEFAULT_WEBHOOK_URL_POLICY: WebhookUrlPolicy = Object.freeze({ allowInsecure: false });

export const MAX_WEBHOOK_URL_LENGTH = 2048;

export type Refusal = { ok: false; reason: string };
export type UrlCheck = { ok: true; url: URL } | Refusal;
export type ResolveCheck = { ok: true; addresses: LookupAddress[] } | Refusal;
export type TargetCheck = { ok: true; url: URL; addresses: LookupAddress[] } | Refusal;

/** The `dns.lookup` shape used with `{ all: true }`; tests inject fakes so no real DNS is asked. */
export type LookupAll = (
  hostname: string,
  options: LookupAllOptions,
  callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

const refuse = (reason: string): Refusal => ({ ok: false, reason });

// ---------------------------------------------------------------------------------------------
// Addresses

interface Range {
  readonly prefix: number[];
  readonly bits: number;
  readonly cidr: string;
  readonly kind: string;
  /** Byte offset of an IPv4 address carried inside this IPv6 range. */
  readonly v4At?: number;
  /** Teredo stores its client address with every bit flipped. */
  readonly invert?: boolean;
}

interface Verdict {
  readonly kind: string;
  readonly reason: string;
}

function range(cidr: string, kind: string, carried: Partial<Range> = {}): Range {
  const [ip = '', bits = ''] = cidr.split('/');
  const parsed = parseIp(ip);
  if (!parsed) throw new Error(`bad range ${cidr}`);
  return { prefix: parsed.bytes, bits: Number(bits), cidr, kind, ...carried };
}

// Most specific first: the first match names the reason (metadata before link-local, etc.).
const FORBIDDEN_V4: readonly Range[] = [
  range('169.254.169.254/32', 'cloud metadata'),
  range('100.100.100.200/32', 'cloud metadata'),
  range('0.0.0.0/8', 'unspecified'),
  range('10.0.0.0/8', 'private'),
  range('100.64.0.0/10', 'carrier-grade NAT'),
  range('127.0.0.0/8', 'loopback'),
  range('169.254.0.0/16', 'link-local'),
  range('172.16.0.0/12', 'private'),
  range('192.0.0.0/24', 'IETF protocol assignments'),
  range('192.0.2.0/24', 'documentation'),
  range('192.88.99.0/24', '6to4 relay anycast'),
  range('192.168.0.0/16', 'private'),
  range('198.18.0.0/15', 'benchmarking'),
  range('198.51.100.0/24', 'documentation'),
  range('203.0.113.0/24', 'documentation'),
  range('224.0.0.0/4', 'multicast'),
  range('255.255.255.255/32', 'broadcast'),
  range('240.0.0.0/4', 'reserved'),
];

const FORBIDDEN_V6: readonly Range[] = [
  range('::/128', 'unspecified'),
  range('::1/128', 'loopback'),
  // These carry an IPv4 address the local kernel may reach directly (::ffff:127.0.0.1 is
  // 127.0.0.1 to a dual-stack socket); no public receiver needs them, so all are refused and
  // the reason names the carried address.
  range('::ffff:0:0/96', 'IPv4-mapped', { v4At: 12 }),
  range('::/96', 'IPv4-compatible (deprecated)', { v4At: 12 }),
  range('::ffff:0:0:0/96', 'IPv4-translated', { v4At: 12 }),
  range('100::/64', 'discard-only'),
  range('2001:2::/48', 'benchmarking'),
  range('2001:10::/28', 'ORCHID'),
  range('2001:20::/28', 'ORCHIDv2'),
  range('2001:db8::/32', 'documentation'),
  range('3fff::/20', 'documentation'),
  range('fd00:ec2::254/128', 'cloud metadata'),
  range('fc00::/7', 'unique-local'),
  range('fe80::/10', 'link-local'),
  range('fec0::/10', 'site-local (deprecated)'),
  range('ff00::/8', 'multicast'),
];

// Public IPv6 forms that route to an IPv4 address: forbidden when that address is.
const EMBEDDING_V6: readonly Range[] = [
  range('64:ff9b::/96', 'NAT64', { v4At: 12 }),
  range('64:ff9b:1::/48', 'NAT64 local-use', { v4At: 12 }),
  range('2002::/16', '6to4', { v4At: 2 }),
  range('2001::/32', 'Teredo server', { v4At: 4 }),
  range('2001::/32', 'Teredo client', { v4At: 12, invert: true }),
];

const GLOBAL_UNICAST_V6 = range('2000::/3', 'global unicast');

/**
 * Why `ip` must not be connected to, or null when it is a public address. Text that is not a
 * canonical IP address (e.g. `0177.0.0.1` handed over outside a URL) is refused, not guessed.
 * Policy-free: `addressRefusal` applies the development switch.
 */
export function isForbiddenAddress(ip: string): string | null {
  return classifyAddress(ip)?.reason ?? null;
}

/** `isForbiddenAddress` with the development switch applied: loopback allowed when insecure. */
export function addressRefusal(ip: string, policy: WebhookUrlPolicy): string | null {
  const verdict = classifyAddress(ip);
  if (!verdict) return null;
  if (verdict.kind === 'loopback' && policy.allowInsecure) return null;
  return verdict.reason;
}

function classifyAddress(ip: string): Verdict | null {
  // DNS may hand back scoped link-local addresses (fe80::1%eth0); the zone never makes one public.
  const parsed = parseIp(ip.split('%')[0] ?? '');
  if (!parsed) return { kind: 'invalid', reason: `${ip} is not an IP address` };
  return parsed.family === 4 ? classifyV4(ip, parsed.bytes) : classifyV6(ip, parsed.bytes);
}

function classifyV4(ip: string, bytes: number[]): Verdict | null {
  const hit = FORBIDDEN_V4.find((r) => inRange(bytes, r));
  return hit ? { kind: hit.kind, reason: `${ip} is ${hit.kind} (${hit.cidr})` } : null;
}

function classifyV6(ip: string, bytes: number[]): Verdict | null {
  const hit = FORBIDDEN_V6.find((r) => inRange(bytes, r));
  if (hit) {
    const inner = carriedV4(bytes, hit);
    return { kind: hit.kind, reason: `${ip} is ${hit.kind} (${hit.cidr})${inner ?? ''}` };
  }
  for (const r of EMBEDDING_V6.filter((e) => inRange(bytes, e))) {
    const inner = carriedV4(bytes, r);
    // Its own kind, never the inner one: the loopback relaxation is for plain loopback only.
    if (inner) return { kind: r.kind, reason: `${ip} is ${r.kind} (${r.cidr})${inner}` };
  }
  if (EMBEDDING_V6.some((r) => inRange(bytes, r)) || inRange(bytes, GLOBAL_UNICAST_V6)) {
    return null;
  }
  // Fail closed: whatever IANA has not made global unicast is not a webhook receiver.
  return { kind: 'reserved', reason: `${ip} is outside global unicast (2000::/3)` };
}

/** ", carrying <v4> (<why forbidden>)" for the IPv4 address inside `r`, or null when public. */
function carriedV4(bytes: number[], r: Range): string | null {
  if (r.v4At === undefined) return null;
  const v4 = bytes.slice(r.v4At, r.v4At + 4).map((b) => (r.invert ? b ^ 0xff : b));
  const inner = classifyV4(v4.join('.'), v4);
  return inner ? `, carrying ${inner.reason}` : null;
}

function inRange(bytes: number[], r: Range): boolean {
  if (bytes.length !== r.prefix.length) return false;
  for (let bit = 0; bit < r.bits; bit += 8) {
    const mask = (0xff << (8 - Math.min(8, r.bits - bit))) & 0xff;
    const i = bit / 8;
    if (((bytes[i] ?? 0) & mask) !== ((r.prefix[i] ?? 0) & mask)) return false;
  }
  return true;
}

/** Bytes of a canonical IPv4 or IPv6 address (as `net.isIP` accepts it), or null. */
function parseIp(ip: string): { family: 4 | 6; bytes: number[] } | null {
  const family = isIP(ip);
  if (family === 4) return { family, bytes: ip.split('.').map(Number) };
  if (family !== 6) return null;
  // isIP has validated the text: turn a dotted tail into two groups, then expand `::`.
  const text = ip.replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (_m: string, ...d: string[]) =>
    [0, 2].map((i) => ((Number(d[i]) << 8) | Number(d[i + 1])).toString(16)).join(':'),
  );
  const [head = '', tail] = text.split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const zeros = tail === undefined ? 0 : 8 - headGroups.length - tailGroups.length;
  const groups = [...headGroups, ...Array<string>(zeros).fill('0'), ...tailGroups];
  return { family, bytes: groups.flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff]) };
}

// ---------------------------------------------------------------------------------------------
// URLs

/**
 * Syntax check of a subscriber URL, no I/O: absolute, https (http too when insecure), no
 * credentials, no fragment, at most 2048 characters, and a host that is a DNS name or a public
 * IP literal. Names are judged by their addresses later (`resolveAllowed`).
 */
export function checkWebhookUrl(
  raw: string,
  policy: WebhookUrlPolicy = DEFAULT_WEBHOOK_URL_POLICY,
): UrlCheck {
  if (raw.length > MAX_WEBHOOK_URL_LENGTH) {
    return refuse(`URL is longer than ${MAX_WEBHOOK_URL_LENGTH} characters`);
  }
  // The URL parser silently drops tabs, newlines and surrounding spaces: refusing them keeps
  // the stored text and the target the gateway connects to one and the same.
  if (/[\s\p{Cc}]/u.test(raw)) return refuse('URL contains whitespace or control characters');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return refuse('not an absolute URL');
  }
  // Percent-encoding during parsing can make the stored form longer than the input.
  if (url.href.length > MAX_WEBHOOK_URL_LENGTH) {
    return refuse(`URL is longer than ${MAX_WEBHOOK_URL_LENGTH} characters once normalised`);
  }
  const schemes = policy.allowInsecure ? ['https:', 'http:'] : ['https:'];
  if (!schemes.includes(url.protocol)) {
    return refuse(`scheme ${url.protocol} is not allowed (only ${schemes.join(' or ')})`);
  }
  // Credentials would be sent to the receiver and shown in every delivery log.
  if (url.username || url.password) return refuse('credentials in the URL are not allowed');
  // `url.hash` is '' for an empty fragment too; in `href` any '#' is the fragment delimiter.
  if (url.href.includes('#')) return refuse('fragments are not allowed');
  const hostReason = hostRefusal(url.hostname, policy);
  return hostReason ? refuse(hostReason) : { ok: true, url };
}

/** A URL hostname that is an IP literal, without IPv6 brackets; null for a DNS name. */
function ipLiteral(hostname: string): string | null {
  const bare =
    hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return isIP(bare) ? bare : null;
}

function hostRefusal(hostname: string, policy: WebhookUrlPolicy): string | null {
  const literal = ipLiteral(hostname);
  if (literal) return addressRefusal(literal, policy);
  const name = hostname.replace(/\.$/, '');
  // RFC 6761: localhost and *.localhost are loopback whatever DNS says; refuse before asking.
  if ((name === 'localhost' || name.endsWith('.localhost')) && !policy.allowInsecure) {
    return `${hostname} is a loopback name`;
  }
  // `example.com.` reaches the same host as `example.com` but differs in Host, SNI and
  // certificate matching; one spelling per receiver keeps checks and logs unambiguous.
  if (name !== hostname) return `${hostname} ends with a dot; write it without`;
  return null;
}

// ---------------------------------------------------------------------------------------------
// Resolution

/**
 * Every address `hostname` resolves to, if all are allowed; refused if ANY is forbidden (an
 * attacker controls all records of their name, so "one good answer" proves nothing). The
 * result is what the connection must be pinned to (`pinnedLookup`).
 */
export async function resolveAllowed(
  hostname: string,
  policy: WebhookUrlPolicy = DEFAULT_WEBHOOK_URL_POLICY,
  lookup: LookupAll = dnsLookup,
): Promise<ResolveCheck> {
  const literal = ipLiteral(hostname);
  if (literal) {
    const reason = addressRefusal(literal, policy);
    return reason
      ? refuse(reason)
      : { ok: true, addresses: [{ address: literal, family: isIP(literal) }] };
  }
  let addresses: LookupAddress[];
  try {
    addresses = await new Promise<LookupAddress[]>((resolve, reject) =>
      lookup(hostname, { all: true }, (err, found) => (err ? reject(err) : resolve(found))),
    );
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    return refuse(`${hostname} could not be resolved (${code})`);
  }
  if (addresses.length === 0) return refuse(`${hostname} has no addresses`);
  for (const { address } of addresses) {
    const reason = addressRefusal(address, policy);
    if (reason) return refuse(`${hostname} resolves to ${reason}`);
  }
  return { ok: true, addresses };
}

/** Registration and per-send check in one: syntax, then every resolved address. */
export async function guardWebhookTarget(
  raw: string,
  policy: WebhookUrlPolicy = DEFAULT_WEBHOOK_URL_POLICY,
  lookup: LookupAll = dnsLookup,
): Promise<TargetCheck> {
  const checked = checkWebhookUrl(raw, policy);
  if (!checked.ok) return checked;
  const resolved = await resolveAllowed(checked.url.hostname, policy, lookup);
  return resolved.ok ? { ok: true, url: checked.url, addresses: resolved.addresses } : resolved;
}
