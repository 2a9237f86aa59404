/**
 * The time the webhook pipeline schedules by. One injectable source instead of `new Date()`
 * scattered around, so a test can move time forward (a receiver "down for a day") without
 * waiting, while production simply reads the system clock. Every process on one machine that
 * was never moved agrees with every other, which the dispatcher's leases rely on.
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
