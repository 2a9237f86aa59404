import { Webhook } from 'standardwebhooks';
import {
  generateWebhookSecret,
  InvalidWebhookSecretError,
  MAX_SECRET_BYTES,
  MIN_SECRET_BYTES,
  secretKey,
} from './webhook-secret';

const CANONICAL = /^whsec_(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function secretOf(bytes: Buffer): string {
  return `whsec_${bytes.toString('base64')}`;
}

describe('generateWebhookSecret', () => {
  it('is whsec_ + padded standard base64 of 32 random bytes by default', () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(CANONICAL);
    expect(secretKey(secret)).toHaveLength(32);
    expect(generateWebhookSecret()).not.toBe(secret);
  });

  it.each([MIN_SECRET_BYTES, 25, 33, MAX_SECRET_BYTES])('makes %i-byte secrets', (bytes) => {
    const secret = generateWebhookSecret(bytes);
    expect(secret).toMatch(CANONICAL);
    expect(secretKey(secret)).toHaveLength(bytes);
  });

  it.each([0, 16, MIN_SECRET_BYTES - 1, MAX_SECRET_BYTES + 1, 32.5, NaN, Infinity])(
    'refuses %p bytes (the specification asks for 24..64)',
    (bytes) => {
      expect(() => generateWebhookSecret(bytes)).toThrow(RangeError);
    },
  );

  it('decodes to the same key in the standardwebhooks library', () => {
    const secret = generateWebhookSecret();
    // The library keeps its key private; signing the same content with both is the observable.
    const library = new Webhook(secret).sign('msg_1', new Date(1_700_000_000_000), '{}');
    const ours = new Webhook(secretKey(secret), { format: 'raw' }).sign(
      'msg_1',
      new Date(1_700_000_000_000),
      '{}',
    );
    expect(ours).toBe(library);
  });
});

describe('secretKey', () => {
  const key = Buffer.alloc(32, 7);
  const good = secretOf(key);

  it('returns the decoded bytes', () => {
    expect(secretKey(good).equals(key)).toBe(true);
  });

  it.each([
    ['no prefix', key.toString('base64')],
    ['the asymmetric prefix', `whsk_${key.toString('base64')}`],
    ['an upper-case prefix', `WHSEC_${key.toString('base64')}`],
    ['nothing after the prefix', 'whsec_'],
    ['23 bytes', secretOf(Buffer.alloc(MIN_SECRET_BYTES - 1, 1))],
    ['65 bytes', secretOf(Buffer.alloc(MAX_SECRET_BYTES + 1, 1))],
    ['a character outside the alphabet', `${good.slice(0, 10)}$${good.slice(11)}`],
    ['whitespace', `${good} `],
    ['a line break inside', `${good.slice(0, 20)}\n${good.slice(20)}`],
    [
      'the URL-safe alphabet',
      secretOf(Buffer.alloc(32, 0xfb)).replace(/\+/g, '-').replace(/\//g, '_'),
    ],
    ['missing padding', good.replace(/=+$/, '')],
    // ...Bwc= ends in two zero padding bits; ...Bwd= sets one, and Node decodes it to the same key.
    ['padding bits set', good.replace(/c=$/, 'd=')],
    ['doubled padding', `${good}=`],
  ])('refuses %s', (_label, secret) => {
    expect(secret).not.toBe(good);
    expect(() => secretKey(secret)).toThrow(InvalidWebhookSecretError);
  });

  it('refuses non-strings coming back from storage', () => {
    expect(() => secretKey(undefined as unknown as string)).toThrow(InvalidWebhookSecretError);
    expect(() => secretKey(null as unknown as string)).toThrow(InvalidWebhookSecretError);
  });
});
