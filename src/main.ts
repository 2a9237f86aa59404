/**
 * The gateway process. The only module that reads process.env (handed once to loadConfig).
 */
import 'reflect-metadata';
import { ConfigError, loadConfig } from './config/app-config';
import { startGateway } from './bootstrap';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(
      `${error.message}\nThe gateway did not start. See README.md "Configuration".\n`,
    );
    process.exit(78); // EX_CONFIG
  }

  const gateway = await startGateway(config);
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    gateway.logger.info(`received ${signal}, shutting down`);
    const forced = setTimeout(() => {
      gateway.logger.error('shutdown timed out, exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs);
    forced.unref();
    gateway.close().then(
      () => process.exit(0),
      (error: unknown) => {
        gateway.logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `The gateway failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
