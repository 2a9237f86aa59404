/**
 * Boots a gateway: database (external or embedded), pending migrations, then the Nest app.
 * main.ts uses it for the real process, tests use it for in-process gateways, so both boot
 * exactly the same way.
 */
import { type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type NestExpressApplication } from '@nestjs/platform-express';
import helmet from 'helmet';
import { Logger as NestPinoLogger } from 'nestjs-pino';
import { type Logger } from 'pino';
import { DataSource } from 'typeorm';
import { AppModule } from './app.module';
import { type AppConfig } from './config/app-config';
import { assignRequestId, createRootLogger } from './common/logging/logger';
import { securityHeaders } from './common/http/security-headers';
import { dataSourceOptions } from './database/data-source-options';
import { openDatabaseServer } from './database/database-server';
import { runPendingMigrations } from './database/migrator';

export interface Gateway {
  app: INestApplication;
  /** Base URL it listens on, e.g. http://127.0.0.1:3000. */
  url: string;
  logger: Logger;
  /** Stops HTTP, closes the pool, then stops the embedded database if we started it. */
  close(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
}

export async function startGateway(
  config: AppConfig,
  options: StartOptions = {},
): Promise<Gateway> {
  const logger = options.logger ?? createRootLogger(config.logLevel);
  const database = await openDatabaseServer(config, (level, message) => logger[level](message));
  try {
    await migrate(database.url, logger);
    const app = await NestFactory.create<NestExpressApplication>(
      AppModule.forRoot({ config, databaseUrl: database.url, logger }),
      { bufferLogs: true, abortOnError: false },
    );
    app.useLogger(app.get(NestPinoLogger));
    app.disable('x-powered-by');
    // Without trusted proxies, the client IP is the socket's: X-Forwarded-For cannot be forged.
    app.set('trust proxy', config.trustProxyHops);
    // First middleware: every answer, even a body-parser failure, carries the request id.
    app.use(assignRequestId);
    app.use(helmet(securityHeaders(config)));
    await app.listen(config.port, config.host);
    const address = app.getHttpServer().address() as { port: number };
    const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${address.port}`;
    logger.info({ url, embeddedDatabase: database.embedded }, `HRIS gateway listening on ${url}`);
    return {
      app,
      url,
      logger,
      close: async () => {
        await app.close();
        await database.stop();
      },
    };
  } catch (error) {
    await database.stop();
    throw error;
  }
}

async function migrate(url: string, logger: Logger): Promise<void> {
  const dataSource = await new DataSource(dataSourceOptions(url, 2)).initialize();
  try {
    const applied = await runPendingMigrations(dataSource);
    if (applied.length > 0) {
      logger.info(
        { migrations: applied.map((m) => m.name) },
        `applied ${applied.length} migrations`,
      );
    }
  } finally {
    await dataSource.destroy();
  }
}
