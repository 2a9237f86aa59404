/**
 * The built-in Personio sandbox that `npm start` runs when no Personio is configured: a
 * generated company on 127.0.0.1, with one credential that stays the same across restarts
 * (kept in the data folder), so a connection made yesterday still syncs today.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startSandbox, type RunningSandbox } from '../../connectors/personio/sandbox';

interface StoredCredential {
  clientId: string;
  clientSecret: string;
}

async function demoCredential(dataDir: string): Promise<StoredCredential> {
  const file = join(dataDir, 'demo-personio-credential.json');
  try {
    return JSON.parse(await readFile(file, 'utf8')) as StoredCredential;
  } catch {
    const created = {
      clientId: `papi-demo-${randomBytes(6).toString('hex')}`,
      clientSecret: `papi-${randomBytes(24).toString('base64url')}`,
    };
    await mkdir(dataDir, { recursive: true });
    // Only the owner reads it: it is a (sandbox) secret.
    await writeFile(file, JSON.stringify(created), { mode: 0o600 });
    return created;
  }
}

export async function startDemoSandbox(options: {
  dataDir: string;
  port: number;
  employees: number;
}): Promise<RunningSandbox> {
  const credential = await demoCredential(options.dataDir);
  const start = (port: number): Promise<RunningSandbox> =>
    startSandbox({
      seed: 42,
      employees: options.employees,
      port,
      host: '127.0.0.1',
      // The demo is about the gateway, not Personio's throttling; the sandbox CLI shows that.
      rateLimits: false,
      credentials: [{ name: 'Demo HR admin', ...credential }],
    });
  try {
    return await start(options.port);
  } catch (error) {
    // Another sandbox (or anything) on the port: any free port will do, the gateway is told.
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    return start(0);
  }
}
