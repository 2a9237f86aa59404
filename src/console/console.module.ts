import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { ConnectionsDataModule } from '../connections/connections-data.module';
import { ConnectionsModule } from '../connections/connections.module';
import { SyncModule } from '../sync/sync.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { ConsoleController } from './console.controller';
import { ConsoleLoginController } from './console-login.controller';
import { ConsoleRepository } from './console.repository';
import { ConsoleService } from './console.service';
import { ConsoleSessionGuard } from './console-session.guard';
import { ConsoleSessions } from './console-session';

/** The operator console at /console: server-rendered pages behind the admin token. */
@Module({
  imports: [ConnectionsDataModule, ConnectionsModule, SyncModule, WebhooksModule],
  controllers: [ConsoleLoginController, ConsoleController],
  providers: [
    {
      provide: ConsoleSessions,
      useFactory: (config: AppConfig) => new ConsoleSessions(config.adminToken),
      inject: [AppConfig],
    },
    ConsoleSessionGuard,
    ConsoleRepository,
    ConsoleService,
  ],
})
export class ConsoleModule {}
