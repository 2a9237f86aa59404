/**
 * Owns writing rows into PostgreSQL through `COPY ... FROM STDIN (FORMAT binary)`: the encoder
 * of that format (https://www.postgresql.org/docs/current/sql-copy.html, "Binary Format") and the
 * one call that streams it on a pg client. Binary COPY is the cheapest way to land
 * large JSON documents: PostgreSQL reads each field by its length prefix, so a `json` value is
 * only validated once (no surrounding JSON document to parse, no escaping on either side).
 * pg-copy-streams (by pg's maintainers) speaks the COPY sub-protocol on a pg client.
 */
import { finished } from 'node:stream/promises';
import type { ClientBase } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
/** jsonb's binary input is a version byte followed by the JSON text. */
const JSONB_VERSION = 1;
/** PostgreSQL's binary dates and timestamps count from 2000-01-01 UTC. */
const POSTGRES_EPOCH_MS = Date.UTC(2000, 0, 1);
const DAY_MS = 86_400_000;

/** Builds one binary COPY payload; fields must be written in the COPY's column order. */
export class BinaryCopyWriter {
  private buffer = Buffer.allocUnsafe(64 * 1024);
  private length = 0;
  private rows = 0;

  constructor() {
    this.reserve(SIGNATURE.length + 8);
    SIGNATURE.copy(this.buffer, 0);
    this.buffer.writeInt32BE(0, SIGNATURE.length); // flags: no OIDs
    this.buffer.writeInt32BE(0, SIGNATURE.length + 4); // no header extension
    this.length = SIGNATURE.length + 8;
  }

  get rowCount(): number {
    return this.rows;
  }

  /** Bytes written so far. */
  get byteLength(): number {
    return this.length;
  }

  row(fieldCount: number): this {
    this.reserve(2);
    this.length = this.buffer.writeInt16BE(fieldCount, this.length);
    this.rows += 1;
    return this;
  }

  null(): this {
    this.reserve(4);
    this.length = this.buffer.writeInt32BE(-1, this.length);
    return this;
  }

  text(value: string): this {
    return this.string(value, false);
  }

  json(value: string): this {
    return this.string(value, false);
  }

  jsonb(value: string): this {
    return this.string(value, true);
  }

  uuid(value: string): this {
    const dashed =
      value.length === 36 &&
      value.charCodeAt(8) === 45 && // '-'
      value.charCodeAt(13) === 45 &&
      value.charCodeAt(18) === 45 &&
      value.charCodeAt(23) === 45;
    if (!dashed) throw new TypeError('not a UUID');
    this.reserve(20);
    const hex =
      value.slice(0, 8) +
      value.slice(9, 13) +
      value.slice(14, 18) +
      value.slice(19, 23) +
      value.slice(24);
    // A hex write stops at the first character that is not a hex digit: 16 bytes or refused.
    if (this.buffer.write(hex, this.length + 4, 'hex') !== 16) throw new TypeError('not a UUID');
    this.length = this.buffer.writeInt32BE(16, this.length) + 16;
    return this;
  }

  /** A calendar date, `YYYY-MM-DD`; anything else (or a day that does not exist) throws. */
  date(value: string): this {
    const days = daysSincePostgresEpoch(value);
    this.reserve(8);
    this.length = this.buffer.writeInt32BE(4, this.length);
    this.length = this.buffer.writeInt32BE(days, this.length);
    return this;
  }

  /** An instant, for a `timestamptz` column: microseconds, of which a Date holds milliseconds. */
  timestamptz(value: Date): this {
    const ms = value.getTime();
    if (!Number.isFinite(ms)) throw new TypeError('not a valid instant');
    this.reserve(12);
    this.length = this.buffer.writeInt32BE(8, this.length);
    this.length = this.buffer.writeBigInt64BE(BigInt(ms - POSTGRES_EPOCH_MS) * 1000n, this.length);
    return this;
  }

  /** The payload with its trailer; the writer is spent afterwards. */
  finish(): Buffer {
    this.reserve(2);
    this.length = this.buffer.writeInt16BE(-1, this.length);
    return this.buffer.subarray(0, this.length);
  }

  private string(value: string, jsonbVersion: boolean): this {
    // UTF-8 needs at most 3 bytes per UTF-16 unit: reserve that, write, then fill in the length
    // (cheaper than measuring the string first).
    this.reserve(5 + value.length * 3);
    const start = this.length + 4;
    let at = start;
    if (jsonbVersion) at = this.buffer.writeUInt8(JSONB_VERSION, at);
    at += this.buffer.write(value, at, 'utf8');
    this.buffer.writeInt32BE(at - start, this.length);
    this.length = at;
    return this;
  }

  private reserve(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < this.length + bytes) size *= 2;
    const grown = Buffer.allocUnsafe(size);
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }
}

/**
 * Days from 2000-01-01 to a `YYYY-MM-DD` date. Checked by hand, not by a pattern and a round
 * trip through Date: a baseline writes two or three dates per record, and that check cost more
 * than the rest of the row's encoding.
 */
function daysSincePostgresEpoch(value: string): number {
  const year = digitsAt(value, 0, 4);
  const month = digitsAt(value, 5, 2);
  const day = digitsAt(value, 8, 2);
  const valid =
    value.length === 10 &&
    value.charCodeAt(4) === 45 && // '-'
    value.charCodeAt(7) === 45 &&
    year >= 1 && // PostgreSQL refuses year 0 (there is none between 1 BC and AD 1)
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month);
  if (!valid) throw new TypeError('not a calendar date (YYYY-MM-DD)');
  // Not Date.UTC(year, ...): it reads the years 0-99 as 1900-1999.
  const at = new Date(0);
  at.setUTCFullYear(year, month - 1, day);
  return (at.getTime() - POSTGRES_EPOCH_MS) / DAY_MS;
}

/** The decimal number in `count` characters from `start`; NaN unless they are all digits. */
function digitsAt(value: string, start: number, count: number): number {
  let n = 0;
  for (let i = start; i < start + count; i += 1) {
    const digit = value.charCodeAt(i) - 48;
    if (!(digit >= 0 && digit <= 9)) return NaN;
    n = n * 10 + digit;
  }
  return n;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Runs `COPY <target> FROM STDIN (FORMAT binary)` with the payload; returns the rows copied. */
export async function copyBinary(
  client: ClientBase,
  target: string,
  payload: Buffer,
): Promise<number> {
  const stream = client.query(copyFrom(`COPY ${target} FROM STDIN (FORMAT binary)`));
  stream.end(payload);
  await finished(stream);
  return stream.rowCount;
}
