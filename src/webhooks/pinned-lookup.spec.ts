import type { LookupAddress, LookupOptions } from 'node:dns';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { Agent, request } from 'undici';
import { pinnedLookup } from './pinned-lookup';
import { guardWebhookTarget, type LookupAll } from './url-guard';

const V4: LookupAddress = { address: '127.0.0.1', family: 4 };
const V6: LookupAddress = { address: '::1', family: 6 };

/** Calls a lookup and returns what its callback got. */
function ask(
  lookup: ReturnType<typeof pinnedLookup>,
  options: LookupOptions,
): Promise<{ err: NodeJS.ErrnoException | null; address: unknown; family?: number }> {
  return new Promise((resolve) =>
    lookup('anything.example', options, (err, address, family) =>
      resolve({ err, address, family }),
    ),
  );
}

describe('pinnedLookup answers only with the pinned addresses', () => {
  it('gives the first pinned address of the wanted family, or all of them', async () => {
    const lookup = pinnedLookup([V4, V6]);
    expect(await ask(lookup, {})).toEqual({ err: null, address: '127.0.0.1', family: 4 });
    expect(await ask(lookup, { family: 6 })).toEqual({ err: null, address: '::1', family: 6 });
    expect(await ask(lookup, { family: 'IPv4' })).toMatchObject({ address: '127.0.0.1' });
    expect(await ask(lookup, { all: true })).toEqual({ err: null, address: [V4, V6] });
    expect(await ask(lookup, { all: true, family: 6 })).toEqual({ err: null, address: [V6] });
  });

  it('fails like DNS when no pinned address has the wanted family', async () => {
    const { err } = await ask(pinnedLookup([V4]), { family: 6 });
    expect(err?.code).toBe('ENOTFOUND');
  });

  it('answers asynchronously, as dns.lookup does', () => {
    let called = false;
    pinnedLookup([V4])('x', {}, () => (called = true));
    expect(called).toBe(false);
  });

  it('refuses to be built from nothing or from a mislabelled address', () => {
    expect(() => pinnedLookup([])).toThrow(/at least one/);
    expect(() => pinnedLookup([{ address: '::1', family: 4 }])).toThrow(/not an IPv4/);
    expect(() => pinnedLookup([{ address: 'example.com', family: 4 }])).toThrow(/not an IPv4/);
  });
});

/**
 * Real sockets. The URL host is `*.invalid`, a name DNS can never resolve (RFC 6761), so a
 * request that arrives proves the connection used the pinned answer and nothing else.
 */
describe('connections through the pinned lookup', () => {
  let first: Server;
  let second: Server;
  let port: number;
  const seen: { server: string; host?: string }[] = [];

  const serve = (name: string): Server =>
    createServer((req: IncomingMessage, res) => {
      seen.push({ server: name, host: req.headers.host });
      res.end(name);
    }).on('connection', () => seen.push({ server: name }));
  const listen = (server: Server, host: string, at: number): Promise<number> =>
    new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(at, host, () => resolve((server.address() as { port: number }).port));
    });

  beforeAll(async () => {
    first = serve('127.0.0.1');
    second = serve('127.0.0.2');
    port = await listen(first, '127.0.0.1', 0);
    await listen(second, '127.0.0.2', port);
  });
  afterAll(async () => {
    await Promise.all([first, second].map((s) => new Promise((resolve) => s.close(resolve))));
  });
  beforeEach(() => seen.splice(0));

  it('an undici request goes to the pinned address with the URL host intact', async () => {
    const dispatcher = new Agent({ connect: { lookup: pinnedLookup([V4]) } });
    try {
      const response = await request(`http://hooks.invalid:${port}/in`, { dispatcher });
      expect(await response.body.text()).toBe('127.0.0.1');
      expect(seen).toEqual([
        { server: '127.0.0.1' },
        { server: '127.0.0.1', host: `hooks.invalid:${port}` },
      ]);
    } finally {
      await dispatcher.close();
    }
  });

  it('DNS rebinding after the check changes nothing: the checked address is the one used', async () => {
    // The attacker's name answers 127.0.0.1 at check time and 127.0.0.2 for anyone asking later.
    const answers = ['127.0.0.1', '127.0.0.2'];
    let asked = 0;
    const rebinding: LookupAll = (_hostname, _options, callback) => {
      const address = answers[Math.min(asked++, answers.length - 1)] as string;
      setImmediate(() => callback(null, [{ address, family: 4 }]));
    };
    const target = await guardWebhookTarget(
      `http://rebind.invalid:${port}/in`,
      { allowInsecure: true },
      rebinding,
    );
    if (!target.ok) throw new Error(target.reason);

    const dispatcher = new Agent({ connect: { lookup: pinnedLookup(target.addresses) } });
    try {
      for (let i = 0; i < 3; i++) {
        // `reset` closes the socket after each request, so every request opens a new one.
        const response = await request(target.url, { dispatcher, reset: true });
        expect(await response.body.text()).toBe('127.0.0.1');
      }
    } finally {
      await dispatcher.close();
    }
    expect(asked).toBe(1);
    expect(seen.filter((s) => s.server === '127.0.0.2')).toEqual([]);
    expect(seen.filter((s) => s.host === undefined)).toHaveLength(3);
  });

  it.each([true, false])(
    'net.connect (autoSelectFamily %s) reaches the pinned address',
    async (auto) => {
      const socket = netConnect({
        host: 'hooks.invalid',
        port,
        lookup: pinnedLookup([V4]),
        autoSelectFamily: auto,
      });
      await connected(socket, 'connect');
      expect(socket.remoteAddress).toBe('127.0.0.1');
      socket.destroy();
    },
  );

  it('tls.connect uses it too (the TCP connection lands on the pinned address)', async () => {
    const socket = tlsConnect({
      host: 'hooks.invalid',
      servername: 'hooks.invalid',
      port,
      lookup: pinnedLookup([V4]),
    });
    socket.on('error', () => undefined); // the plain HTTP listener cannot complete a handshake
    await new Promise((resolve) => socket.once('lookup', resolve));
    await until(() => seen.length > 0);
    expect(seen).toEqual([{ server: '127.0.0.1' }]);
    socket.destroy();
  });
});

function connected(socket: Socket, event: string): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once(event, () => resolve());
    socket.once('error', reject);
  });
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 5));
}
