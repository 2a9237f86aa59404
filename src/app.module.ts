import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import { type Logger } from 'pino';
import { type AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { ClockModule } from './common/time/clock.module';
import { ProblemFilter } from './common/errors/problem.filter';
import { ProblemValidationPipe } from './common/errors/validation';
import { JsonContentTypeGuard } from './common/http/json-content-type.guard';
import { httpLoggerParams } from './common/logging/logger';
import { dataSourceOptions } from './database/data-source-options';
import { ApplicationsModule } from './applications/applications.module';
import { ConnectModule } from './connect/connect.module';
import { ConnectionsModule } from './connections/connections.module';
import { DocsModule } from './docs/docs.module';
import { ProvidersModule } from './providers/providers.module';
import { TokensModule } from './tokens/tokens.module';
import { VaultModule } from './vault/vault.module';
import { HealthModule } from './health/health.module';
import { SyncModule } from './sync/sync.module';
import { HrisModule } from './hris/hris.module';
import { WebhooksModule } from './webhooks/webhooks.module';
import { ConsoleModule } from './console/console.module';
import { MetricsModule } from './metrics/metrics.module';

export interface AppModuleOptions {
  config: AppConfig;
  /** Where the database is, decided before Nest starts (external or embedded). */
  databaseUrl: string;
  logger: Logger;
}

/** Composes the feature modules and installs the global pipe and error filter. */
@Module({})
export class AppModule {
  static forRoot({ config, databaseUrl, logger }: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        ClockModule,
        MetricsModule,
        LoggerModule.forRoot(httpLoggerParams(logger)),
        TypeOrmModule.forRoot(dataSourceOptions(databaseUrl, config.database.poolSize)),
        HealthModule,
        DocsModule,
        VaultModule,
        ProvidersModule,
        ApplicationsModule,
        TokensModule,
        ConnectionsModule,
        ConnectModule,
        ScheduleModule.forRoot(),
        SyncModule,
        HrisModule,
        WebhooksModule,
        ConsoleModule,
      ],
      providers: [
        { provide: APP_PIPE, useClass: ProblemValidationPipe },
        { provide: APP_FILTER, useClass: ProblemFilter },
        { provide: APP_GUARD, useClass: JsonContentTypeGuard },
      ],
    };
  }
}
