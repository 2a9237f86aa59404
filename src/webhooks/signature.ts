/**
 * Signs webhook deliveries per the Standard Webhooks specification (symmetric scheme), so
 * receivers verify with any Standard Webhooks library:
 *
 *   webhook-signature: v1,<base64 HMAC-SHA256(key, `${id}.${timestamp}.${body}`)> ...
 *
 * One signature per configured secret, space-separated. During a secret rotation the caller
 * passes both secrets, newest first, so receivers holding either one verify; after the grace
 * period it passes only the new one. The `webhook-id` stays the same across retries (receivers
 * deduplicate on it) while the timestamp is fresh per attempt (receivers reject stale ones), so
 * the signature is recomputed for every attempt.
 *
 * Pure: no clock, no randomness, no I/O.
 */
import { createHmac } from 'node:crypto';
import { secretKey } from './webhook-secret';

export interface SignatureInput {
  /** `webhook-id`: the same for every attempt of one delivery. */
  id: string;
  /** `webhook-timestamp`: Unix time of this attempt, in integer seconds. */
  timestamp: number;
  /** The exact body string sent; any re-serialisation would break the signature. */
  body: string;
  /** `whsec_` secrets, newest first. */
  secrets: readonly string[];
}

export interface WebhookHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
  'content-type': 'application/json';
}

export class WebhookSignatureInputError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'WebhookSignatureInputError';
  }
}

// Visible ASCII without `.`: the signed content is `id.timestamp.body`, and the specification
// warns against a `.` in the id: `a.1` + `2` + `x` and `a` + `1` + `2.x` sign the same bytes,
// so one signature would pass for another delivery. Anything outside visible ASCII would not
// survive as an HTTP header value.
const ID_PATTERN = /^[\x21-\x2d\x2f-\x7e]+$/;

// 10^10 s is the year 2286. Anything larger is almost certainly milliseconds (Date.now()),
// which every receiver would reject as a timestamp far in the future.
const MAX_TIMESTAMP_SECONDS = 10_000_000_000;

export function signPayload({ id, timestamp, body, secrets }: SignatureInput): string {
  if (!ID_PATTERN.test(id)) {
    throw new WebhookSignatureInputError('webhook id must be visible ASCII without "."');
  }
  if (!Number.isSafeInteger(timestamp) || timestamp < 0 || timestamp >= MAX_TIMESTAMP_SECONDS) {
    throw new WebhookSignatureInputError(
      `webhook timestamp must be Unix time in integer seconds, got ${timestamp}`,
    );
  }
  if (typeof body !== 'string') {
    throw new WebhookSignatureInputError('webhook body must be the exact string sent');
  }
  if (secrets.length === 0) {
    // An unsigned delivery would be indistinguishable from a forged one.
    throw new WebhookSignatureInputError('at least one webhook secret is required');
  }
  const content = `${id}.${timestamp}.${body}`;
  return secrets
    .map(
      (secret) =>
        `v1,${createHmac('sha256', secretKey(secret)).update(content, 'utf8').digest('base64')}`,
    )
    .join(' ');
}

export function webhookHeaders(input: SignatureInput): WebhookHeaders {
  return {
    'webhook-id': input.id,
    'webhook-timestamp': String(input.timestamp),
    'webhook-signature': signPayload(input),
    'content-type': 'application/json',
  };
}
