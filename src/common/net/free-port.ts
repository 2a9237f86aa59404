/**
 * Free loopback ports for processes the tests and benchmarks start themselves (a gateway, a
 * sandbox, an embedded PostgreSQL). Not used by the gateway at run time.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';

/**
 * Where free ports are looked for: below the kernel's ephemeral range. A port handed out is
 * released before the process that uses it binds (a gateway child takes a second or two to
 * boot), and in between any outgoing loopback connection may take an ephemeral port: one
 * did once, and a gateway failed with EADDRINUSE. Only explicit binds use ports below it.
 */
function portRange(): { from: number; to: number } {
  let ephemeralStart = 32_768;
  try {
    ephemeralStart = Number(
      readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').split(/\s+/)[0],
    );
  } catch {
    // not Linux: the IANA ephemeral range starts at 49152, 32768 stays below it
  }
  return { from: 20_000, to: Math.max(20_000, Math.min(ephemeralStart, 49_152) - 1) };
}

function listenOn(port: number): Promise<Server | null> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(null));
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

/** Distinct free loopback ports: all are held open until each is known, then released. */
export async function freePorts(count: number): Promise<number[]> {
  const { from, to } = portRange();
  const servers: Server[] = [];
  const tried = new Set<number>();
  while (servers.length < count) {
    if (tried.size > 1_000) throw new Error(`no free loopback port in ${from}-${to}`);
    // A kernel whose ephemeral range starts this low leaves nothing below it: let it choose.
    const port = to > from ? from + Math.floor(Math.random() * (to - from + 1)) : 0;
    if (port !== 0 && tried.has(port)) continue;
    tried.add(port);
    const server = await listenOn(port);
    if (server) servers.push(server);
  }
  const ports = servers.map((server) => (server.address() as { port: number }).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

export async function freePort(): Promise<number> {
  const [port] = await freePorts(1);
  return port as number;
}
