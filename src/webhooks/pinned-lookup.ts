/**
 * A `lookup` for `net.connect`, `tls.connect` or undici's `connect: { lookup }` that answers
 * only with addresses the URL guard already approved (`resolveAllowed`). Between the check and
 * the connect, DNS is never asked again, so a name that re-resolves to 127.0.0.1 or a metadata
 * address (DNS rebinding) still connects to the checked address. TLS is unaffected: the
 * certificate is still verified against the URL's hostname (SNI), only the socket address is
 * fixed.
 *
 * The answer ignores the hostname asked for: build one per target, e.g.
 * `new Agent({ connect: { lookup: pinnedLookup(addresses) } })` for one delivery's URL.
 * IP-literal URLs never call `lookup` at all (Node connects to literals directly).
 */
import type { LookupAddress, LookupOptions } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';

export function pinnedLookup(addresses: readonly LookupAddress[]): LookupFunction {
  if (addresses.length === 0) throw new TypeError('pinnedLookup needs at least one address');
  const pinned = addresses.map(({ address, family }) => {
    // A bad entry here would surface as an opaque connect error much later; fail at build time.
    if (isIP(address) !== family) throw new TypeError(`not an IPv${family} address: ${address}`);
    return { address, family };
  });
  return (_hostname, options, callback) => {
    const family = wantedFamily(options);
    const matching = family ? pinned.filter((a) => a.family === family) : pinned;
    // Node's own lookup answers asynchronously; callers attach 'lookup' listeners after calling.
    process.nextTick(() => {
      const [first] = matching;
      if (!first) {
        const err: NodeJS.ErrnoException = new Error(`no pinned IPv${family} address`);
        err.code = 'ENOTFOUND';
        callback(err, '');
      } else if (options.all) {
        // net.connect with autoSelectFamily (Node 20's default) asks for all and races them.
        callback(
          null,
          matching.map((a) => ({ ...a })),
        );
      } else {
        callback(null, first.address, first.family);
      }
    });
  };
}

/** 4, 6, or 0 for "either": Node passes numbers, `dns.lookup` callers may pass 'IPv4'/'IPv6'. */
function wantedFamily(options: LookupOptions): 0 | 4 | 6 {
  const family: unknown = options.family;
  if (family === 4 || family === 'IPv4') return 4;
  if (family === 6 || family === 'IPv6') return 6;
  return 0;
}
