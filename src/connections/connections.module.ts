import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module';
import { ConnectionsController } from './connections.controller';
import { ConnectionsDataModule } from './connections-data.module';
import { ConnectionsService } from './connections.service';

@Module({
  imports: [ConnectionsDataModule, EventsModule],
  controllers: [ConnectionsController],
  providers: [ConnectionsService],
  exports: [ConnectionsService],
})
export class ConnectionsModule {}
