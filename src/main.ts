/**
 * The gateway process. The only module that reads process.env (handed once to loadConfig).
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { type AppConfig, ConfigError, loadConfig } from './config/app-config';
import { startGateway } from './bootstrap';
import { applyHeapGrowingPercent } from './common/runtime/heap-tuning';
import { startDemoSandbox } from './demo/demo-sandbox';
import { prepareDemo } from './demo/demo-setup';
import { renderQuickStart } from './demo/quick-start';

function configFrom(env: Record<string, string | undefined>): AppConfig {
  try {
    return loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(
      `${error.message}\nThe gateway did not start. See README.md "Configuration".\n`,
    );
    process.exit(78); // EX_CONFIG
  }
}

async function main(): Promise<void> {
  let config = configFrom(process.env);
  applyHeapGrowingPercent(config.heapGrowingPercent);
  // Demo mode (development without a Personio URL): the built-in sandbox stands in for
  // Personio, and the gateway is configured around it before it starts.
  const sandbox = config.demo.enabled
    ? await startDemoSandbox({
        dataDir: config.dataDir,
        port: config.demo.sandboxPort,
        employees: config.demo.employees,
      })
    : undefined;
  if (sandbox) {
    config = configFrom({
      ...process.env,
      DEMO: 'on',
      PERSONIO_BASE_URL: sandbox.url,
      PERSONIO_PACING: 'off',
      ADMIN_TOKEN: config.adminToken ?? randomBytes(24).toString('hex'),
      WEBHOOK_ALLOW_INSECURE_URLS: 'true',
    });
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
    gateway
      .close()
      .then(() => sandbox?.close())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          gateway.logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  // After the signal handlers: a Ctrl-C during the demo's setup still shuts down cleanly.
  if (sandbox) {
    const credential = sandbox.credentials[0]!;
    const quickStart = await prepareDemo({
      gatewayUrl: gateway.url,
      publicUrl: config.publicUrl,
      adminToken: config.adminToken!,
      receiverUrl: `http://127.0.0.1:${config.demo.receiverPort}/webhooks`,
      personio: {
        clientId: credential.clientId,
        clientSecret: credential.clientSecret,
        employees: config.demo.employees,
      },
    }).catch((error: unknown) => {
      // Stopped while preparing: the shutdown decides the exit code, not this.
      if (stopping) return null;
      throw error;
    });
    if (quickStart) process.stdout.write(renderQuickStart(quickStart));
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `The gateway failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
