import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ConnectionEntity } from './connection.entity';
import { ConnectionsRepository } from './connections.repository';

/** The connections table for modules that read it (tokens, connect, sync) without the HTTP API. */
@Module({
  imports: [TypeOrmModule.forFeature([ConnectionEntity])],
  providers: [ConnectionsRepository],
  exports: [ConnectionsRepository],
})
export class ConnectionsDataModule {}
