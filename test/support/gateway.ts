/**
 * An in-process gateway on its own migrated database, booted exactly like `npm start`
 * (startGateway), listening on a random loopback port.
 */
import { Writable } from 'node:stream';
import { startGateway, type Gateway } from '../../src/bootstrap';
import { loadConfig } from '../../src/config/app-config';
import { createRootLogger } from '../../src/common/logging/logger';
import { createMigratedDatabase, type TestDatabase } from './database';
import { freePort } from './global-setup';

/** A fixed test key ring, so no dev key file is written into the checkout. */
export const TEST_VAULT_KEYS = `test1:${Buffer.alloc(32, 1).toString('base64')}`;

export interface TestGateway extends Gateway {
  database: TestDatabase;
  /** Every log line the gateway wrote, parsed; lets tests prove what is (not) logged. */
  logs: Array<Record<string, unknown>>;
}

/**
 * `options.database` shares another gateway's database (a second replica); that database is
 * then left for its owner to drop.
 */
export async function startTestGateway(
  env: Record<string, string> = {},
  options: { database?: TestDatabase } = {},
): Promise<TestGateway> {
  const database = options.database ?? (await createMigratedDatabase());
  const logs: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        logs.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  // A known port, so PUBLIC_URL (token issuer, connect links, the page's origin check) is real.
  const port = await freePort();
  const config = loadConfig({
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    LOG_LEVEL: 'info',
    DATABASE_URL: database.url,
    VAULT_KEYS: TEST_VAULT_KEYS,
    // The test sandbox runs without rate limits; a test of pacing turns it back on.
    PERSONIO_PACING: 'off',
    // Retries still happen, with short waits: a failing Personio must not make tests slow.
    PERSONIO_RETRY_BASE_DELAY_MS: '20',
    ...env,
  });
  const logger = createRootLogger(config.logLevel, sink);
  const gateway = await startGateway(config, { logger });
  return {
    ...gateway,
    database,
    logs,
    close: async () => {
      await gateway.close();
      if (!options.database) await database.drop();
    },
  };
}
