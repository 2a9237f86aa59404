import { Module } from '@nestjs/common';
import { EventsFeedController } from './events-feed.controller';
import { EventsWriter } from './events.writer';

@Module({
  controllers: [EventsFeedController],
  providers: [EventsWriter],
  exports: [EventsWriter],
})
export class EventsModule {}
