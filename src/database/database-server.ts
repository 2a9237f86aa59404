/**
 * Decides where the gateway's PostgreSQL is: the server named by DATABASE_URL, or an embedded
 * one started from the data folder. Both boot paths (gateway, migration CLI) go through here.
 */
import { type AppConfig } from '../config/app-config';
import { EmbeddedPostgres } from './embedded-postgres';

export interface DatabaseServer {
  url: string;
  /** Stops the embedded server if we started it; a no-op for an external one. */
  stop(): Promise<void>;
  embedded: boolean;
}

export type DatabaseLog = (level: 'debug' | 'info' | 'warn', message: string) => void;

export async function openDatabaseServer(
  config: AppConfig,
  log: DatabaseLog,
): Promise<DatabaseServer> {
  if (config.database.url) {
    return { url: config.database.url, stop: () => Promise.resolve(), embedded: false };
  }
  const server = new EmbeddedPostgres({
    dataDir: config.database.embedded.dataDir,
    port: config.database.embedded.port,
    database: 'hris_gateway',
    log,
  });
  const url = await server.start();
  return { url, stop: () => server.stop(), embedded: true };
}
