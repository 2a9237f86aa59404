import { Global, Module } from '@nestjs/common';
import { Clock } from './clock';

/** One Clock per process, shared by everything that schedules (syncs, webhook retries). */
@Global()
@Module({ providers: [Clock], exports: [Clock] })
export class ClockModule {}
