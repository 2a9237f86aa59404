/**
 * The time the webhook pipeline schedules by. One injectable source instead of `new Date()`
 * scattered around, so a test can move time forward (a receiver "down for a day") without
 * waiting, while production simply reads the system clock. The dispatcher's leases do not use
 * it: they cover attempts, which take real time, and moving the clock must not end them.
 */
import { Injectable } from '@nestjs/common';

@Injectable()
export class Clock {
  private offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  /** Tests only: everything scheduled by this clock sees `ms` more time passed. */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('a clock only moves forward');
    this.offsetMs += ms;
  }
}
