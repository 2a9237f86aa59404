import { loadConfig } from '../config/app-config';
import type { LookupAll } from './url-guard';
import { WebhookSender } from './webhook-sender';

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

  it('refuses a name whose answer is a private address, before any connection', async () => {
    const privateAnswer: LookupAll = (_host, _options, callback) =>
      callback(null, [{ address: '10.0.0.7', family: 4 }]);

    const outcome = await senderWith(privateAnswer).send('https://inside.example/hook', {}, '{}');

    expect(outcome.statusCode).toBeNull();
    expect(outcome.error).toMatch(/^refused before connecting: /);
  });
});
