/**
 * Webhook endpoint secrets in the Standard Webhooks serialization: `whsec_` followed by the
 * base64 (standard alphabet, padded) of random bytes. The specification asks for at least 24
 * bytes (192 bits) and at most 512 bits, hence 24..64 bytes.
 *
 * The prefix lets receivers' libraries (and humans grepping logs for leaks) recognise the
 * secret; the key that HMACs are computed with is the decoded bytes, not the string.
 */
import { randomBytes } from 'node:crypto';

export const WEBHOOK_SECRET_PREFIX = 'whsec_';
export const MIN_SECRET_BYTES = 24;
export const MAX_SECRET_BYTES = 64;
export const DEFAULT_SECRET_BYTES = 32;

export class InvalidWebhookSecretError extends Error {
  constructor(reason: string) {
    super(`invalid webhook secret: ${reason}`);
    this.name = 'InvalidWebhookSecretError';
  }
}

export function generateWebhookSecret(bytes = DEFAULT_SECRET_BYTES): string {
  if (!Number.isInteger(bytes) || bytes < MIN_SECRET_BYTES || bytes > MAX_SECRET_BYTES) {
    throw new RangeError(
      `webhook secrets have ${MIN_SECRET_BYTES}..${MAX_SECRET_BYTES} random bytes, not ${bytes}`,
    );
  }
  return WEBHOOK_SECRET_PREFIX + randomBytes(bytes).toString('base64');
}

/** The HMAC key behind a `whsec_` secret. Refuses anything we would not have generated. */
export function secretKey(secret: string): Buffer {
  // Typed callers never pass a non-string, but secrets come back from storage and config.
  if (typeof secret !== 'string' || !secret.startsWith(WEBHOOK_SECRET_PREFIX)) {
    throw new InvalidWebhookSecretError(`must start with ${WEBHOOK_SECRET_PREFIX}`);
  }
  const encoded = secret.slice(WEBHOOK_SECRET_PREFIX.length);
  const key = Buffer.from(encoded, 'base64');
  // Node's decoder silently skips characters outside the alphabet and accepts the URL-safe
  // one, missing padding and stray padding bits, so a typo could still yield some (other)
  // key. Requiring the canonical encoding to round-trip refuses all of those.
  if (key.toString('base64') !== encoded) {
    throw new InvalidWebhookSecretError('not canonical base64 after the prefix');
  }
  if (key.length < MIN_SECRET_BYTES || key.length > MAX_SECRET_BYTES) {
    throw new InvalidWebhookSecretError(
      `decodes to ${key.length} bytes, expected ${MIN_SECRET_BYTES}..${MAX_SECRET_BYTES}`,
    );
  }
  return key;
}
