import type { LookupAddress } from 'node:dns';
import { createServer, type Server } from 'node:http';
import { BlockList } from 'node:net';
import fc from 'fast-check';
import { Agent, request } from 'undici';
import { pinnedLookup } from './pinned-lookup';
import {
  DEFAULT_WEBHOOK_URL_POLICY,
  MAX_WEBHOOK_URL_LENGTH,
  addressRefusal,
  checkWebhookUrl,
  guardWebhookTarget,
  isForbiddenAddress,
  resolveAllowed,
  type LookupAll,
} from './url-guard';

const secure = { allowInsecure: false };
const insecure = { allowInsecure: true };

/** A fake `dns.lookup` answering from a table; records every name asked. No real DNS. */
function fakeLookup(records: Record<string, string[]>): LookupAll & { asked: string[] } {
  const asked: string[] = [];
  const lookup = (
    hostname: string,
    _options: unknown,
    callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
  ): void => {
    asked.push(hostname);
    const found = records[hostname];
    const err: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
    err.code = 'ENOTFOUND';
    const answers = (found ?? []).map((address) => ({
      address,
      family: address.includes(':') ? 6 : 4,
    }));
    setImmediate(() => (found ? callback(null, answers) : callback(err, [])));
  };
  return Object.assign(lookup, { asked });
}

const fakeDns = fakeLookup({
  'rebind.example': ['127.0.0.1'],
  'mixed.example': ['93.184.215.14', '10.0.0.1'],
  'mapped.example': ['::ffff:127.0.0.1'],
  'metadata.example': ['169.254.169.254'],
  'ula.example': ['2606:4700::1', 'fd12::1'],
  'example.com': ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'],
  'hooks.example.org': ['8.8.4.4'],
  'nat64.example': ['64:ff9b::808:808'],
  'empty.example': [],
});

describe('WHATWG URL parsing normalises IPv4 and IPv6 spellings (the guard relies on it)', () => {
  it.each([
    ['2130706433', '127.0.0.1'],
    ['0177.0.0.1', '127.0.0.1'],
    ['0x7f.0.0.1', '127.0.0.1'],
    ['0x7f.1', '127.0.0.1'],
    ['0x7f000001', '127.0.0.1'],
    ['017700000001', '127.0.0.1'],
    ['127.1', '127.0.0.1'],
    ['127.000.000.001', '127.0.0.1'],
    ['127.0.0.1.', '127.0.0.1'],
    ['%31%32%37.0.0.1', '127.0.0.1'],
    ['１２７．０．０．１', '127.0.0.1'],
    ['127。0。0。1', '127.0.0.1'],
    ['0', '0.0.0.0'],
    ['0x', '0.0.0.0'],
    ['3232235777', '192.168.1.1'],
    ['0xa9fea9fe', '169.254.169.254'],
    ['[0:0:0:0:0:0:0:1]', '[::1]'],
    ['[::ffff:127.0.0.1]', '[::ffff:7f00:1]'],
    ['[::127.0.0.1]', '[::7f00:1]'],
    ['[64:ff9b::10.0.0.1]', '[64:ff9b::a00:1]'],
    ['LOCALHOST', 'localhost'],
    ['ⓛⓞⓒⓐⓛⓗⓞⓢⓣ', 'localhost'],
  ])('https://%s/ has hostname %s', (spelling, hostname) => {
    expect(new URL(`https://${spelling}/`).hostname).toBe(hostname);
  });
});

/**
 * Hostile URLs: [url, reason refused by default, what allowInsecure does with it]. 'ok' in the
 * last column marks the plain-loopback receivers the development switch exists for.
 */
const HOSTILE: [string, RegExp, 'ok' | RegExp][] = [
  // IPv4 loopback in every spelling
  ['https://127.0.0.1/', /127\.0\.0\.1 is loopback/, 'ok'],
  ['https://127.0.0.1:8443/hook', /loopback/, 'ok'],
  ['https://2130706433/', /127\.0\.0\.1 is loopback/, 'ok'],
  ['https://0177.0.0.1/', /127\.0\.0\.1 is loopback/, 'ok'],
  ['https://0x7f.0.0.1/', /127\.0\.0\.1 is loopback/, 'ok'],
  ['https://0x7f000001/', /127\.0\.0\.1 is loopback/, 'ok'],
  ['https://017700000001/', /127\.0\.0\.1 is loopback/, 'ok'],
  ['https://127.1/', /127\.0\.0\.1 is loopback/, 'ok'],
  ['https://127.0.0.1./', /127\.0\.0\.1 is loopback/, 'ok'],
  ['https://%31%32%37.0.0.1/', /127\.0\.0\.1 is loopback/, 'ok'],
  ['https://１２７．０．０．１/', /127\.0\.0\.1 is loopback/, 'ok'],
  ['https://127.255.255.254/', /loopback \(127\.0\.0\.0\/8\)/, 'ok'],
  // unspecified ("this host")
  ['https://0.0.0.0/', /0\.0\.0\.0 is unspecified/, /unspecified/],
  ['https://0/', /0\.0\.0\.0 is unspecified/, /unspecified/],
  ['https://0x/', /0\.0\.0\.0 is unspecified/, /unspecified/],
  // private, CGNAT, link-local, metadata
  ['https://10.0.0.1/', /private \(10\.0\.0\.0\/8\)/, /private/],
  ['https://012.1/', /10\.0\.0\.1 is private/, /private/],
  ['https://172.16.0.1/', /private \(172\.16\.0\.0\/12\)/, /private/],
  ['https://172.31.255.255/', /private/, /private/],
  ['https://192.168.1.1/', /private \(192\.168\.0\.0\/16\)/, /private/],
  ['https://3232235777/', /192\.168\.1\.1 is private/, /private/],
  ['https://0xc0.0xa8.1.1/', /192\.168\.1\.1 is private/, /private/],
  ['https://100.64.0.1/', /carrier-grade NAT/, /carrier-grade NAT/],
  ['https://169.254.1.1/', /link-local/, /link-local/],
  ['https://169.254.169.254/latest/meta-data/', /cloud metadata/, /cloud metadata/],
  ['https://0xa9fea9fe/', /169\.254\.169\.254 is cloud metadata/, /cloud metadata/],
  ['https://100.100.100.200/', /cloud metadata/, /cloud metadata/],
  // multicast, broadcast, reserved, benchmarking, documentation
  ['https://224.0.0.1/', /multicast/, /multicast/],
  ['https://239.255.255.250/', /multicast/, /multicast/],
  ['https://255.255.255.255/', /broadcast/, /broadcast/],
  ['https://4294967295/', /255\.255\.255\.255 is broadcast/, /broadcast/],
  ['https://240.0.0.1/', /reserved/, /reserved/],
  ['https://198.18.0.1/', /benchmarking/, /benchmarking/],
  ['https://198.19.255.255/', /benchmarking/, /benchmarking/],
  ['https://192.0.2.1/', /documentation/, /documentation/],
  ['https://198.51.100.7/', /documentation/, /documentation/],
  ['https://203.0.113.9/', /documentation/, /documentation/],
  ['https://192.0.0.170/', /IETF protocol assignments/, /IETF/],
  // IPv6 literals
  ['https://[::1]/', /::1 is loopback/, 'ok'],
  ['https://[0:0:0:0:0:0:0:1]/', /::1 is loopback/, 'ok'],
  ['https://[::]/', /:: is unspecified/, /unspecified/],
  ['https://[::ffff:127.0.0.1]/', /IPv4-mapped.*carrying 127\.0\.0\.1 is loopback/, /mapped/],
  ['https://[::ffff:7f00:1]/', /IPv4-mapped.*127\.0\.0\.1 is loopback/, /mapped/],
  ['https://[::ffff:a9fe:a9fe]/', /IPv4-mapped.*cloud metadata/, /mapped/],
  ['https://[::ffff:8.8.8.8]/', /IPv4-mapped/, /mapped/],
  ['https://[::127.0.0.1]/', /IPv4-compatible.*127\.0\.0\.1 is loopback/, /compatible/],
  ['https://[::10.0.0.1]/', /IPv4-compatible.*private/, /compatible/],
  ['https://[::ffff:0:127.0.0.1]/', /IPv4-translated/, /translated/],
  ['https://[64:ff9b::127.0.0.1]/', /NAT64.*127\.0\.0\.1 is loopback/, /NAT64/],
  ['https://[64:ff9b::10.0.0.1]/', /NAT64.*10\.0\.0\.1 is private/, /NAT64/],
  ['https://[64:ff9b:1::a9fe:a9fe]/', /NAT64 local-use.*cloud metadata/, /NAT64/],
  ['https://[2002:7f00:1::]/', /6to4.*127\.0\.0\.1 is loopback/, /6to4/],
  ['https://[2002:c0a8:101::1]/', /6to4.*192\.168\.1\.1 is private/, /6to4/],
  // Teredo: server 65.54.227.120 (public), client 10.0.0.1 stored inverted as f5ff:fffe
  ['https://[2001:0:4136:e378:8000:63bf:f5ff:fffe]/', /Teredo client.*10\.0\.0\.1/, /Teredo/],
  ['https://[2001:0:a00:1::1]/', /Teredo server.*10\.0\.0\.1 is private/, /Teredo/],
  ['https://[fc00::1]/', /unique-local/, /unique-local/],
  ['https://[fd12:3456::1]/', /unique-local/, /unique-local/],
  ['https://[fd00:ec2::254]/', /cloud metadata/, /cloud metadata/],
  ['https://[fe80::1]/', /link-local/, /link-local/],
  ['https://[febf:ffff::1]/', /link-local/, /link-local/],
  ['https://[fec0::1]/', /site-local/, /site-local/],
  ['https://[ff02::1]/', /multicast/, /multicast/],
  ['https://[2001:db8::1]/', /documentation/, /documentation/],
  ['https://[3fff::1]/', /documentation/, /documentation/],
  ['https://[100::1]/', /discard-only/, /discard-only/],
  ['https://[2001:2::1]/', /benchmarking/, /benchmarking/],
  ['https://[4000::1]/', /outside global unicast/, /outside global unicast/],
  // loopback names and trailing dots
  ['https://localhost/', /localhost is a loopback name/, 'ok'],
  ['https://LOCALHOST:8443/', /loopback name/, 'ok'],
  ['https://localhost./', /localhost\. is a loopback name/, /ends with a dot/],
  ['https://api.localhost/', /loopback name/, 'ok'],
  ['https://ⓛⓞⓒⓐⓛⓗⓞⓢⓣ/', /loopback name/, 'ok'],
  ['https://example.com./', /ends with a dot/, /ends with a dot/],
  // schemes
  ['http://example.com/', /scheme http: is not allowed/, 'ok'],
  ['http://127.0.0.1/', /scheme http:/, 'ok'],
  ['ftp://example.com/', /scheme ftp:/, /scheme ftp:/],
  ['file:///etc/passwd', /scheme file:/, /scheme file:/],
  ['gopher://127.0.0.1:6379/_FLUSHALL', /scheme gopher:/, /scheme gopher:/],
  ['javascript:alert(1)', /scheme javascript:/, /scheme javascript:/],
  ['data:text/plain,hello', /scheme data:/, /scheme data:/],
  ['ws://example.com/', /scheme ws:/, /scheme ws:/],
  ['wss://example.com/', /scheme wss:/, /scheme wss:/],
  ['dict://example.com:11211/', /scheme dict:/, /scheme dict:/],
  // credentials and fragments
  ['https://a:b@example.com/', /credentials/, /credentials/],
  ['https://user@example.com/', /credentials/, /credentials/],
  ['https://:secret@example.com/', /credentials/, /credentials/],
  ['https://127.0.0.1:80@example.com/', /credentials/, /credentials/],
  ['https://example.com/hook#frag', /fragments/, /fragments/],
  ['https://example.com/hook#', /fragments/, /fragments/],
  // not an absolute URL, smuggled whitespace, length
  ['', /not an absolute URL/, /not an absolute URL/],
  ['/hooks', /not an absolute URL/, /not an absolute URL/],
  ['example.com/hooks', /not an absolute URL/, /not an absolute URL/],
  ['https://', /not an absolute URL/, /not an absolute URL/],
  ['https://1.2.3.4.5/', /not an absolute URL/, /not an absolute URL/],
  ['https://[fe80::1%25eth0]/', /not an absolute URL/, /not an absolute URL/],
  [' https://example.com/', /whitespace or control/, /whitespace or control/],
  ['https://exam\tple.com/', /whitespace or control/, /whitespace or control/],
  ['https://example.com/\n', /whitespace or control/, /whitespace or control/],
  ['https://127.0.0.1\u0000.example.com/', /whitespace or control/, /whitespace or control/],
  [`https://example.com/${'a'.repeat(2048)}`, /longer than 2048/, /longer than 2048/],
  [`https://example.com/${'é'.repeat(1000)}`, /once normalised/, /once normalised/],
];

describe('checkWebhookUrl', () => {
  it('is strict by default: the development switch is off unless asked for', () => {
    expect(DEFAULT_WEBHOOK_URL_POLICY.allowInsecure).toBe(false);
    expect(Object.isFrozen(DEFAULT_WEBHOOK_URL_POLICY)).toBe(true);
    expect(checkWebhookUrl('http://example.com/')).toEqual({
      ok: false,
      reason: expect.stringMatching(/scheme http:/),
    });
    expect(checkWebhookUrl('https://127.0.0.1/').ok).toBe(false);
  });

  it.each(HOSTILE)('refuses %s by default', (url, reason) => {
    expect(checkWebhookUrl(url)).toEqual({ ok: false, reason: expect.stringMatching(reason) });
    expect(checkWebhookUrl(url, secure)).toEqual(checkWebhookUrl(url));
  });

  it.each(HOSTILE)(
    'with allowInsecure, %s: only plain loopback and http open up',
    (url, _r, dev) => {
      const result = checkWebhookUrl(url, insecure);
      if (dev === 'ok') expect(result.ok).toBe(true);
      else expect(result).toEqual({ ok: false, reason: expect.stringMatching(dev) });
    },
  );

  it.each([
    ['https://example.com/hooks', 'example.com'],
    ['https://hooks.example.org:8443/in?tenant=1&x=%20', 'hooks.example.org'],
    ['https://EXAMPLE.com/Hook', 'example.com'],
    ['https://bücher.example/hook', 'xn--bcher-kva.example'],
    ['https://8.8.8.8/hook', '8.8.8.8'],
    ['https://134744072/hook', '8.8.8.8'],
    ['https://[2606:4700:4700::1111]/hook', '[2606:4700:4700::1111]'],
    ['https://[64:ff9b::8.8.8.8]/hook', '[64:ff9b::808:808]'],
    ['https://[2002:808:808::1]/hook', '[2002:808:808::1]'],
    ['https://172.32.0.1/', '172.32.0.1'],
    ['https://localhost.example.com/', 'localhost.example.com'],
    [`https://example.com/${'a'.repeat(MAX_WEBHOOK_URL_LENGTH - 20)}`, 'example.com'],
  ])('accepts %s', (raw, hostname) => {
    const result = checkWebhookUrl(raw);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.url.hostname).toBe(hostname);
  });
});

describe('isForbiddenAddress', () => {
  it.each([
    ['127.0.0.1', /loopback \(127\.0\.0\.0\/8\)/],
    ['::1', /loopback \(::1\/128\)/],
    ['0.0.0.0', /unspecified/],
    ['0.255.255.255', /unspecified/],
    ['::', /unspecified/],
    ['10.255.255.255', /private/],
    ['172.16.0.0', /private/],
    ['172.31.255.255', /private/],
    ['192.168.0.0', /private/],
    ['169.254.0.1', /link-local/],
    ['fe80::1', /link-local/],
    ['fe80::1%eth0', /link-local/],
    ['100.64.0.0', /carrier-grade NAT/],
    ['100.127.255.255', /carrier-grade NAT/],
    ['fc00::', /unique-local/],
    ['fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', /unique-local/],
    ['::ffff:0:0', /IPv4-mapped/],
    ['::ffff:8.8.8.8', /IPv4-mapped/],
    ['::ffff:192.168.0.1', /IPv4-mapped.*192\.168\.0\.1 is private/],
    ['224.0.0.0', /multicast/],
    ['239.255.255.255', /multicast/],
    ['ff00::', /multicast/],
    ['255.255.255.255', /broadcast/],
    ['198.18.0.0', /benchmarking/],
    ['192.0.2.255', /documentation/],
    ['198.51.100.0', /documentation/],
    ['203.0.113.255', /documentation/],
    ['2001:db8:ffff::1', /documentation/],
    ['2002:a00:1::', /6to4.*10\.0\.0\.1 is private/],
    ['2001:0:4136:e378:8000:63bf:80ff:fffe', /Teredo client.*127\.0\.0\.1 is loopback/],
    ['169.254.169.254', /cloud metadata \(169\.254\.169\.254\/32\)/],
    ['fd00:ec2::254', /cloud metadata/],
    ['100.100.100.200', /cloud metadata/],
    // Not canonical text: refused rather than guessed at (getaddrinfo would accept these).
    ['0177.0.0.1', /not an IP address/],
    ['127.1', /not an IP address/],
    ['2130706433', /not an IP address/],
    ['localhost', /not an IP address/],
    ['', /not an IP address/],
  ])('%s is forbidden', (ip, reason) => {
    expect(isForbiddenAddress(ip)).toMatch(reason);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '93.184.215.14',
    '9.255.255.255',
    '11.0.0.0',
    '100.63.255.255',
    '100.128.0.0',
    '126.255.255.255',
    '128.0.0.0',
    '169.253.255.255',
    '169.255.0.0',
    '172.15.255.255',
    '172.32.0.0',
    '192.167.255.255',
    '192.169.0.0',
    '198.17.255.255',
    '198.20.0.0',
    '223.255.255.255',
    '2606:4700:4700::1111',
    '2a00:1450:4001:80b::200e',
    '64:ff9b::808:808',
    '2002:808:808::',
    '2001:0:4136:e378:8000:63bf:f7f7:f7f7',
    '2001:db9::1',
    '3fff:1000::1',
  ])('%s is public', (ip) => {
    expect(isForbiddenAddress(ip)).toBeNull();
  });

  it('with allowInsecure only plain loopback is relaxed', () => {
    expect(addressRefusal('127.0.0.1', insecure)).toBeNull();
    expect(addressRefusal('127.8.9.10', insecure)).toBeNull();
    expect(addressRefusal('::1', insecure)).toBeNull();
    for (const ip of ['0.0.0.0', '::ffff:127.0.0.1', '64:ff9b::7f00:1', '10.0.0.1', '::']) {
      expect(addressRefusal(ip, insecure)).not.toBeNull();
    }
    expect(addressRefusal('127.0.0.1', secure)).toMatch(/loopback/);
  });

  // Independent oracle: node's BlockList, fed the same ranges transcribed separately.
  const oracle = new BlockList();
  for (const cidr of [
    '0.0.0.0/8',
    '10.0.0.0/8',
    '100.64.0.0/10',
    '127.0.0.0/8',
    '169.254.0.0/16',
    '172.16.0.0/12',
    '192.0.0.0/24',
    '192.0.2.0/24',
    '192.88.99.0/24',
    '192.168.0.0/16',
    '198.18.0.0/15',
    '198.51.100.0/24',
    '203.0.113.0/24',
    '224.0.0.0/3',
  ]) {
    const [net = '', prefix = ''] = cidr.split('/');
    oracle.addSubnet(net, Number(prefix), 'ipv4');
  }
  const dotted = (n: number): string => [24, 16, 8, 0].map((s) => (n >>> s) & 0xff).join('.');
  // Bias towards range edges, where off-by-one mask bugs live.
  const edges = [0, 10, 100, 127, 169, 172, 192, 198, 203, 223, 224, 239, 240, 255].flatMap((a) =>
    [a << 24, ((a << 24) | 0xffffff) >>> 0].map((n) => n >>> 0),
  );
  const anyV4 = fc.oneof(
    fc.nat({ max: 0xffffffff }),
    fc
      .tuple(fc.constantFrom(...edges), fc.integer({ min: -70000, max: 70000 }))
      .map(([e, d]) => Math.min(0xffffffff, Math.max(0, e + d))),
  );

  it('agrees with BlockList on every IPv4 address (property)', () => {
    fc.assert(
      fc.property(
        anyV4,
        (n) => (isForbiddenAddress(dotted(n)) !== null) === oracle.check(dotted(n)),
      ),
      { numRuns: 10_000 },
    );
  });

  it('judges every URL spelling and NAT64 form of an IPv4 address like the address (property)', () => {
    fc.assert(
      fc.property(anyV4, (n) => {
        const forbidden = isForbiddenAddress(dotted(n)) !== null;
        const [a = 0, b = 0, c = 0, d = 0] = dotted(n).split('.').map(Number);
        const spellings = [
          `${n}`,
          `0x${n.toString(16)}`,
          `0${n.toString(8)}`,
          [a, b, c, d].map((x) => `0${x.toString(8)}`).join('.'),
          [a, b, c, d].map((x) => `0x${x.toString(16)}`).join('.'),
          `${a}.${(b << 16) | (c << 8) | d}`,
          `[64:ff9b::${dotted(n)}]`,
        ];
        // IPv4-mapped is refused whatever it carries.
        return (
          spellings.every((host) => checkWebhookUrl(`https://${host}/`).ok === !forbidden) &&
          !checkWebhookUrl(`https://[::ffff:${dotted(n)}]/`).ok
        );
      }),
      { numRuns: 2_000 },
    );
  });

  // IPv6 oracle, again transcribed separately: outside 2000::/3 (and NAT64) is forbidden, plus
  // the special blocks inside it. Forms that carry IPv4 (NAT64, 6to4, Teredo) are judged by the
  // carried address and covered by the tables above, so they are not generated here.
  const global6 = new BlockList();
  global6.addSubnet('2000::', 3, 'ipv6');
  const special6 = new BlockList();
  for (const [net, prefix] of [
    ['2001:2::', 48],
    ['2001:10::', 28],
    ['2001:20::', 28],
    ['2001:db8::', 32],
    ['3fff::', 20],
  ] as const) {
    special6.addSubnet(net, prefix, 'ipv6');
  }
  const carrying = new BlockList();
  carrying.addSubnet('64:ff9b::', 96, 'ipv6');
  carrying.addSubnet('64:ff9b:1::', 48, 'ipv6');
  carrying.addSubnet('2002::', 16, 'ipv6');
  carrying.addSubnet('2001::', 32, 'ipv6');
  const prefixes = [0x0000, 0x0064, 0x0100, 0x1fff, 0x2000, 0x2001, 0x3fff, 0x4000, 0xfc00, 0xfdff];
  const anyV6 = fc
    .tuple(
      fc.oneof(fc.constantFrom(...prefixes, 0xfe80, 0xfec0, 0xff00), fc.nat({ max: 0xffff })),
      fc.array(
        fc.oneof(fc.constantFrom(0, 0xffff, 0xdb8, 0x2, 0x10, 0x20), fc.nat({ max: 0xffff })),
        {
          minLength: 7,
          maxLength: 7,
        },
      ),
    )
    .map(([first, rest]) => [first, ...rest].map((g) => g.toString(16)).join(':'))
    .filter((ip) => !carrying.check(ip, 'ipv6'));

  it('agrees with BlockList on IPv6 addresses, written out or compressed (property)', () => {
    fc.assert(
      fc.property(anyV6, (full) => {
        const compressed = new URL(`https://[${full}]/`).hostname.slice(1, -1);
        const expected = !global6.check(full, 'ipv6') || special6.check(full, 'ipv6');
        return (
          (isForbiddenAddress(full) !== null) === expected &&
          (isForbiddenAddress(compressed) !== null) === expected
        );
      }),
      { numRuns: 10_000 },
    );
  });
});

describe('resolveAllowed', () => {
  it('asks for all addresses and returns them to pin', async () => {
    const calls: unknown[] = [];
    const lookup: LookupAll = (hostname, options, callback) => {
      calls.push(options);
      fakeDns(hostname, options, callback);
    };
    await expect(resolveAllowed('example.com', secure, lookup)).resolves.toEqual({
      ok: true,
      addresses: [
        { address: '93.184.215.14', family: 4 },
        { address: '2606:2800:21f:cb07:6820:80da:af6b:8b2c', family: 6 },
      ],
    });
    expect(calls).toEqual([{ all: true }]);
  });

  it.each([
    ['rebind.example', /rebind\.example resolves to 127\.0\.0\.1 is loopback/],
    ['mixed.example', /resolves to 10\.0\.0\.1 is private/],
    ['mapped.example', /resolves to ::ffff:127\.0\.0\.1 is IPv4-mapped/],
    ['metadata.example', /cloud metadata/],
    ['ula.example', /fd12::1 is unique-local/],
    ['empty.example', /has no addresses/],
    ['nowhere.example', /could not be resolved \(ENOTFOUND\)/],
  ])('refuses %s when ANY answer is forbidden or there is none', async (name, reason) => {
    await expect(resolveAllowed(name, secure, fakeDns)).resolves.toEqual({
      ok: false,
      reason: expect.stringMatching(reason),
    });
  });

  it('accepts public answers, including NAT64 of a public IPv4 address', async () => {
    expect((await resolveAllowed('nat64.example', secure, fakeDns)).ok).toBe(true);
    expect((await resolveAllowed('hooks.example.org', secure, fakeDns)).ok).toBe(true);
  });

  it('judges IP literals without asking DNS', async () => {
    const lookup = fakeLookup({});
    await expect(resolveAllowed('[2606:4700:4700::1111]', secure, lookup)).resolves.toEqual({
      ok: true,
      addresses: [{ address: '2606:4700:4700::1111', family: 6 }],
    });
    expect((await resolveAllowed('127.0.0.1', secure, lookup)).ok).toBe(false);
    expect(lookup.asked).toEqual([]);
  });

  it('with allowInsecure accepts a name on loopback, still nothing else', async () => {
    expect((await resolveAllowed('rebind.example', insecure, fakeDns)).ok).toBe(true);
    expect((await resolveAllowed('mixed.example', insecure, fakeDns)).ok).toBe(false);
    expect((await resolveAllowed('metadata.example', insecure, fakeDns)).ok).toBe(false);
  });

  it('uses the system resolver by default (localhost from the hosts file, no network)', async () => {
    expect(await resolveAllowed('localhost')).toEqual({
      ok: false,
      reason: expect.stringMatching(/localhost resolves to .* is loopback/),
    });
    const dev = await resolveAllowed('localhost', insecure);
    expect(dev.ok && dev.addresses.length).toBeGreaterThan(0);
  });
});

describe('guardWebhookTarget', () => {
  it.each(HOSTILE)('refuses %s', async (url, reason) => {
    await expect(guardWebhookTarget(url, secure, fakeDns)).resolves.toEqual({
      ok: false,
      reason: expect.stringMatching(reason),
    });
  });

  it('refuses a DNS name that resolves to 127.0.0.1', async () => {
    await expect(
      guardWebhookTarget('https://rebind.example/hook', secure, fakeDns),
    ).resolves.toEqual({
      ok: false,
      reason: 'rebind.example resolves to 127.0.0.1 is loopback (127.0.0.0/8)',
    });
  });

  it('accepts a public name and returns the addresses to pin', async () => {
    const result = await guardWebhookTarget('https://example.com/hook', secure, fakeDns);
    expect(result.ok && result.addresses.map((a) => a.address)).toEqual([
      '93.184.215.14',
      '2606:2800:21f:cb07:6820:80da:af6b:8b2c',
    ]);
  });
});

/**
 * End to end: real listeners on 127.0.0.1 and ::1; every hostile URL aimed at them goes through
 * the guard, and only a URL the guard accepts is sent (over a pinned undici Agent). With
 * allowInsecure off, no listener sees a single connection.
 */
describe('no connection reaches a loopback listener through the guard', () => {
  let v4: Server;
  let v6: Server;
  let port: number;
  const connections: string[] = [];

  const listen = (server: Server, host: string, at: number): Promise<number> =>
    new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(at, host, () => resolve((server.address() as { port: number }).port));
    });

  beforeAll(async () => {
    const serve = (): Server =>
      createServer((_req, res) => res.end('ok')).on('connection', (socket) =>
        connections.push(`${socket.localAddress}`),
      );
    v4 = serve();
    v6 = serve();
    port = await listen(v4, '127.0.0.1', 0);
    await listen(v6, '::1', port);
  });
  afterAll(async () => {
    await Promise.all([v4, v6].map((s) => new Promise((resolve) => s.close(resolve))));
  });
  beforeEach(() => connections.splice(0));

  const loopbackDns = fakeLookup({ 'rebind.example': ['127.0.0.1'], 'six.example': ['::1'] });

  /** What the dispatcher will do: guard, then send only to the pinned addresses. */
  async function deliver(raw: string, policy: { allowInsecure: boolean }): Promise<string> {
    const target = await guardWebhookTarget(raw, policy, loopbackDns);
    if (!target.ok) return `refused: ${target.reason}`;
    const dispatcher = new Agent({ connect: { lookup: pinnedLookup(target.addresses) } });
    try {
      const response = await request(target.url, { method: 'POST', body: '{}', dispatcher });
      return `sent: ${response.statusCode} ${await response.body.text()}`;
    } catch (err) {
      return `failed: ${(err as Error).message}`;
    } finally {
      await dispatcher.close();
    }
  }

  const targets = (): string[] =>
    [
      '127.0.0.1',
      '2130706433',
      '0177.0.0.1',
      '0x7f.0.0.1',
      '127.1',
      '0.0.0.0',
      '0',
      '[::1]',
      '[::ffff:127.0.0.1]',
      '[::ffff:7f00:1]',
      '[::127.0.0.1]',
      'localhost',
      'rebind.example',
      'six.example',
    ].flatMap((host) => [`https://${host}:${port}/hook`, `http://${host}:${port}/hook`]);

  it('refuses every hostile spelling and the listeners see no connection', async () => {
    for (const url of targets()) {
      // https rows are refused for their address, not merely for their scheme.
      const reason = url.startsWith('https:') ? /loopback|unspecified|IPv4-/ : /scheme http:/;
      expect(await deliver(url, secure)).toMatch(new RegExp(`^refused: .*${reason.source}`));
    }
    expect(connections).toEqual([]);
  });

  it('the same harness does connect when allowInsecure is on (the switch works)', async () => {
    expect(await deliver(`http://127.0.0.1:${port}/hook`, insecure)).toBe('sent: 200 ok');
    expect(await deliver(`http://rebind.example:${port}/hook`, insecure)).toBe('sent: 200 ok');
    expect(await deliver(`http://six.example:${port}/hook`, insecure)).toBe('sent: 200 ok');
    expect(await deliver(`http://[::ffff:127.0.0.1]:${port}/hook`, insecure)).toMatch(
      /^refused: .*IPv4-mapped/,
    );
    // 0.0.0.0 reaches local listeners on Linux; the switch does not open it.
    expect(await deliver(`http://0.0.0.0:${port}/hook`, insecure)).toMatch(
      /^refused: .*unspecified/,
    );
    expect(connections).toEqual(['127.0.0.1', '127.0.0.1', '::1']);
  });
});
