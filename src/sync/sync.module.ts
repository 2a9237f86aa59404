import { Module } from '@nestjs/common';
import { ConnectionsDataModule } from '../connections/connections-data.module';
import { EventsModule } from '../events/events.module';
import { SyncRunner } from './engine/sync-runner';
import { ConnectionTestController } from './preview/connection-test.controller';
import { ConnectionTestService } from './preview/connection-test.service';
import { SyncQueue } from './runs/sync-queue';
import { SyncRunsController } from './runs/sync-runs.controller';
import { SyncRunsService } from './runs/sync-runs.service';
import { SyncScheduler } from './scheduler/sync-scheduler';

/** Scheduled and manual syncs, their run history, and the dry-run connection test. */
@Module({
  imports: [ConnectionsDataModule, EventsModule],
  controllers: [SyncRunsController, ConnectionTestController],
  providers: [SyncRunner, SyncScheduler, SyncQueue, SyncRunsService, ConnectionTestService],
  exports: [SyncQueue, SyncScheduler, SyncRunsService],
})
export class SyncModule {}
