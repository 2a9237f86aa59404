import { Module } from '@nestjs/common';
import { EventsWriter } from './events.writer';

@Module({ providers: [EventsWriter], exports: [EventsWriter] })
export class EventsModule {}
