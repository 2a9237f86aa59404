#!/usr/bin/env node
/**
 * `npm run demo:receiver`: a webhook receiver for the demo. Listens on 127.0.0.1 (port
 * DEMO_RECEIVER_PORT, default 4020, path /webhooks), verifies every delivery with the Standard
 * Webhooks reference library and the secret the demo printed (WEBHOOK_SECRET), and prints one
 * line per verified event. Unverifiable requests are answered 401 and reported as such.
 */
import { createServer } from 'node:http';
import { Webhook } from 'standardwebhooks';

const secret = process.env.WEBHOOK_SECRET;
const port = Number(process.env.DEMO_RECEIVER_PORT ?? 4020);
if (!secret) {
  process.stderr.write('Set WEBHOOK_SECRET to the whsec_... secret `npm start` printed.\n');
  process.exit(2);
}
let webhook;
try {
  webhook = new Webhook(secret);
} catch (error) {
  process.stderr.write(`WEBHOOK_SECRET is not a valid whsec_ secret: ${error.message}\n`);
  process.exit(2);
}

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    try {
      const event = webhook.verify(body, {
        'webhook-id': String(req.headers['webhook-id'] ?? ''),
        'webhook-timestamp': String(req.headers['webhook-timestamp'] ?? ''),
        'webhook-signature': String(req.headers['webhook-signature'] ?? ''),
      });
      const object = event.data?.object ?? {};
      const what = object.display_name ?? object.name ?? object.id ?? '';
      process.stdout.write(
        `verified ${event.type} #${event.sequence} ${what} (webhook-id ${req.headers['webhook-id']})\n`,
      );
      res.writeHead(204).end();
    } catch (error) {
      process.stdout.write(`REJECTED a delivery: ${error.message}\n`);
      res.writeHead(401).end();
    }
  });
});
server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`demo receiver listening on http://127.0.0.1:${port}/webhooks\n`);
});
for (const signal of ['SIGINT', 'SIGTERM'])
  process.once(signal, () => server.close(() => process.exit(0)));
