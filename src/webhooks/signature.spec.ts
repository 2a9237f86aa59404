import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { signPayload, webhookHeaders, WebhookSignatureInputError } from './signature';
import { generateWebhookSecret, InvalidWebhookSecretError } from './webhook-secret';

// The library rejects timestamps more than 5 minutes from Date.now(); pinning the clock keeps
// every case deterministic and makes a timestamp that is off by one second fail on the
// signature alone, not on staleness.
const NOW = 1_750_000_000;
let clock: jest.SpyInstance<number, []>;
beforeEach(() => {
  clock = jest.spyOn(Date, 'now').mockReturnValue(NOW * 1000);
});
afterEach(() => clock.mockRestore());

const ID = 'msg_01JZ8Q4M7T3V5X9B2C6D8F0G1H';
// Non-ASCII on purpose: the signature covers the UTF-8 bytes of the body.
const BODY = JSON.stringify({ id: 'evt_1', type: 'employee.updated', sequence: 7, name: 'Zoë' });

/** Whether the standard library accepts the delivery; any other exception is a test failure. */
function verifies(secret: string, body: string | Buffer, headers: Record<string, string>) {
  try {
    new Webhook(secret).verify(body, headers);
    return true;
  } catch (error) {
    if (error instanceof WebhookVerificationError) return false;
    throw error;
  }
}

/** Every single-bit mutation of `bytes`. Bounded: only for short inputs (8 variants a byte). */
function* bitFlips(bytes: Buffer): Generator<Buffer> {
  if (bytes.length > 512) throw new Error('bit-flip every byte only of short inputs');
  for (let i = 0; i < bytes.length; i++) {
    for (let bit = 0; bit < 8; bit++) {
      const copy = Buffer.from(bytes);
      copy[i] = copy[i]! ^ (1 << bit);
      yield copy;
    }
  }
}

/** Header values are byte strings; latin1 maps each byte to one character and back. */
function* headerFlips(value: string): Generator<string> {
  for (const flipped of bitFlips(Buffer.from(value, 'latin1'))) yield flipped.toString('latin1');
}

describe('Standard Webhooks test vector', () => {
  // Published with the specification's reference libraries: standard-webhooks/standard-webhooks,
  // libraries/javascript/src/webhook.test.ts, test "sign function works" (the same vector is in
  // the other languages' tests there). https://github.com/standard-webhooks/standard-webhooks
  const vector = {
    secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
    timestamp: 1614265330,
    body: '{"test": 2432232314}',
    signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
  };

  it('reproduces exactly', () => {
    const { secret, id, timestamp, body } = vector;
    expect(signPayload({ id, timestamp, body, secrets: [secret] })).toBe(vector.signature);
  });

  it('verifies with the standard library at the time it was made', () => {
    clock.mockReturnValue(vector.timestamp * 1000);
    const { secret, id, timestamp, body } = vector;
    const headers = webhookHeaders({ id, timestamp, body, secrets: [secret] });
    expect(new Webhook(secret).verify(body, { ...headers })).toEqual({ test: 2432232314 });
  });
});

describe('webhookHeaders', () => {
  it('carries exactly the Standard Webhooks headers and the content type', () => {
    const secret = generateWebhookSecret();
    const headers = webhookHeaders({ id: ID, timestamp: NOW, body: BODY, secrets: [secret] });
    expect(headers).toEqual({
      'webhook-id': ID,
      'webhook-timestamp': String(NOW),
      'webhook-signature': signPayload({ id: ID, timestamp: NOW, body: BODY, secrets: [secret] }),
      'content-type': 'application/json',
    });
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
  });

  it('verifies with the standard library, as a string and as the bytes sent', () => {
    const secret = generateWebhookSecret();
    const headers = {
      ...webhookHeaders({ id: ID, timestamp: NOW, body: BODY, secrets: [secret] }),
    };
    expect(new Webhook(secret).verify(BODY, headers)).toEqual(JSON.parse(BODY));
    expect(new Webhook(secret).verify(Buffer.from(BODY, 'utf8'), headers)).toEqual(
      JSON.parse(BODY),
    );
  });

  it('signs a fresh timestamp per attempt under the same id', () => {
    const secret = generateWebhookSecret();
    const first = webhookHeaders({ id: ID, timestamp: NOW, body: BODY, secrets: [secret] });
    const retry = webhookHeaders({ id: ID, timestamp: NOW + 5, body: BODY, secrets: [secret] });
    expect(retry['webhook-signature']).not.toBe(first['webhook-signature']);
    clock.mockReturnValue((NOW + 5) * 1000);
    expect(verifies(secret, BODY, { ...retry })).toBe(true);
  });
});

describe('every single-bit mutation fails verification with the standard library', () => {
  const secret = generateWebhookSecret();
  const headers = { ...webhookHeaders({ id: ID, timestamp: NOW, body: BODY, secrets: [secret] }) };

  // Without this control, a broken setup would make every mutation "fail" too.
  it('the unmutated delivery verifies', () => {
    expect(verifies(secret, BODY, headers)).toBe(true);
  });

  it.each(['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const)('of %s', (name) => {
    const accepted: string[] = [];
    let tried = 0;
    for (const value of headerFlips(headers[name])) {
      tried++;
      if (verifies(secret, BODY, { ...headers, [name]: value })) accepted.push(value);
    }
    expect(tried).toBe(headers[name].length * 8);
    expect(accepted).toEqual([]);
  });

  it('of the body bytes', () => {
    const accepted: number[] = [];
    let tried = 0;
    for (const body of bitFlips(Buffer.from(BODY, 'utf8'))) {
      if (verifies(secret, body, headers)) accepted.push(tried);
      tried++;
    }
    expect(tried).toBe(Buffer.byteLength(BODY) * 8);
    expect(accepted).toEqual([]);
  });
});

describe('secret rotation', () => {
  const oldSecret = generateWebhookSecret();
  const newSecret = generateWebhookSecret();
  const sign = (secrets: string[]) => ({
    ...webhookHeaders({ id: ID, timestamp: NOW, body: BODY, secrets }),
  });

  it('during the grace period both signatures are sent, newest first, and either verifies', () => {
    const headers = sign([newSecret, oldSecret]);
    expect(headers['webhook-signature']).toBe(
      `${sign([newSecret])['webhook-signature']} ${sign([oldSecret])['webhook-signature']}`,
    );
    expect(verifies(newSecret, BODY, headers)).toBe(true);
    expect(verifies(oldSecret, BODY, headers)).toBe(true);
    expect(verifies(generateWebhookSecret(), BODY, headers)).toBe(false);
  });

  it('after the grace period only the new secret verifies', () => {
    const headers = sign([newSecret]);
    expect(verifies(newSecret, BODY, headers)).toBe(true);
    expect(verifies(oldSecret, BODY, headers)).toBe(false);
  });
});

describe('signPayload refuses what receivers could not verify', () => {
  const secret = generateWebhookSecret();
  const ok = { id: ID, timestamp: NOW, body: BODY, secrets: [secret] };

  it.each([
    ['no secrets', { secrets: [] }],
    ['an id containing "."', { id: 'msg.1' }],
    ['an empty id', { id: '' }],
    ['an id with a space', { id: 'msg 1' }],
    ['an id with a line break', { id: 'msg\r\nx-evil: 1' }],
    ['a fractional timestamp', { timestamp: NOW + 0.5 }],
    ['a negative timestamp', { timestamp: -1 }],
    ['a timestamp in milliseconds', { timestamp: NOW * 1000 }],
    ['a NaN timestamp', { timestamp: NaN }],
    ['a non-string body', { body: { id: 'evt_1' } as unknown as string }],
  ])('%s', (_label, change) => {
    expect(() => signPayload({ ...ok, ...change })).toThrow(WebhookSignatureInputError);
  });

  it('a malformed secret, even next to a good one', () => {
    expect(() => signPayload({ ...ok, secrets: [secret, 'whsec_short'] })).toThrow(
      InvalidWebhookSecretError,
    );
    expect(() => signPayload({ ...ok, secrets: ['not-a-secret'] })).toThrow(
      InvalidWebhookSecretError,
    );
  });
});
