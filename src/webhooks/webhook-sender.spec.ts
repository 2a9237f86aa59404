import { loadConfig } from '../config/app-config';
import type { LookupAll } from './url-guard';
import { MAX_ABANDONED_LOOKUPS, WebhookSender } from './webhook-sender';

describe('WebhookSender before connecting', () => {
  const senderWith = (lookup: LookupAll): WebhookSender => {
    const sender = new WebhookSender(loadConfig({ WEBHOOK_TIMEOUT_MS: '200' }));
    sender.lookup = lookup;
    return sender;
  };

  it('gives up on a resolver that never answers, within the delivery deadline', async () => {
    let asked = 0;
    const silent: LookupAll = () => {
      asked += 1; // never calls back
    };

    const outcome = await senderWith(silent).send('https://hangs.example/hook', {}, '{}');

    expect(asked).toBe(1);
    expect(outcome).toMatchObject({
      statusCode: null,
      error: 'no DNS answer within the delivery timeout',
    });
  });

  it('stops asking once lookups it gave up on are still out, and asks again when they answer', async () => {
    const pending: Array<() => void> = [];
    const held: LookupAll = (_host, _options, callback) => {
      pending.push(() => callback(null, [{ address: '10.0.0.7', family: 4 }]));
    };
    const sender = senderWith(held);

    for (let i = 0; i < MAX_ABANDONED_LOOKUPS; i += 1) {
      expect((await sender.send('https://slow.example/hook', {}, '{}')).error).toBe(
        'no DNS answer within the delivery timeout',
      );
    }
    expect(pending).toHaveLength(MAX_ABANDONED_LOOKUPS);
    const backedUp = await sender.send('https://slow.example/hook', {}, '{}');
    expect(backedUp.error).toBe('DNS lookups are backed up (earlier ones never answered)');
    expect(pending).toHaveLength(MAX_ABANDONED_LOOKUPS); // no new lookup started

    pending.shift()!(); // one late answer frees one place
    await new Promise((resolve) => setImmediate(resolve));
    expect((await sender.send('https://slow.example/hook', {}, '{}')).error).toBe(
      'no DNS answer within the delivery timeout',
    );
    expect(pending).toHaveLength(MAX_ABANDONED_LOOKUPS);
    for (const answer of pending) answer();
  });

  it('refuses a name whose answer is a private address, before any connection', async () => {
    const privateAnswer: LookupAll = (_host, _options, callback) =>
      callback(null, [{ address: '10.0.0.7', family: 4 }]);

    const outcome = await senderWith(privateAnswer).send('https://inside.example/hook', {}, '{}');

    expect(outcome.statusCode).toBeNull();
    expect(outcome.error).toMatch(/^refused before connecting: /);
  });
});
