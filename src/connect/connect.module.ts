import { SyncModule } from '../sync/sync.module';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ConnectionsDataModule } from '../connections/connections-data.module';
import { EventsModule } from '../events/events.module';
import { ConnectSessionEntity } from './connect-session.entity';
import { ConnectPageController } from './connect-page.controller';
import { ConnectPageService } from './connect-page.service';
import { ConnectSessionsController } from './connect-sessions.controller';
import { ConnectSessionsRepository } from './connect-sessions.repository';
import { ConnectSessionsService } from './connect-sessions.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([ConnectSessionEntity]),
    ConnectionsDataModule,
    EventsModule,
    SyncModule,
  ],
  controllers: [ConnectSessionsController, ConnectPageController],
  providers: [ConnectSessionsRepository, ConnectSessionsService, ConnectPageService],
})
export class ConnectModule {}
