/**
 * A real webhook receiver on 127.0.0.1: records every request it gets (headers and the exact
 * body) and answers what the test tells it to, so tests can take a receiver down, make it slow,
 * answer 429 or 410, and then check what arrived, in which order, with which ids.
 */
import {
  createServer,
  type IncomingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import { type AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface ReceivedRequest {
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

export interface ReceivedEvent {
  id: string;
  type: string;
  connection_id: string | null;
  sequence: number;
  data: Record<string, unknown>;
}

/** How the receiver answers one request; the default is 204. */
export type Responder = (
  request: ReceivedRequest,
  response: ServerResponse,
) => void | Promise<void>;

export interface WebhookReceiver {
  url: string;
  requests: ReceivedRequest[];
  respond: Responder;
  /** Bodies of requests that verified with `secret` (standardwebhooks), parsed. */
  verified(secret: string): ReceivedEvent[];
  /** Resolves once `count` requests arrived (bounded by `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export const answer =
  (status: number, headers: Record<string, string> = {}, body = ''): Responder =>
  (_request, response) => {
    response.writeHead(status, headers);
    response.end(body);
  };

export async function startWebhookReceiver(path = '/hooks'): Promise<WebhookReceiver> {
  const requests: ReceivedRequest[] = [];
  const receiver: WebhookReceiver = {
    url: '',
    requests,
    respond: answer(204),
    verified(secret) {
      const webhook = new Webhook(secret);
      return requests.flatMap((r) => {
        try {
          webhook.verify(r.body, {
            'webhook-id': String(r.headers['webhook-id']),
            'webhook-timestamp': String(r.headers['webhook-timestamp']),
            'webhook-signature': String(r.headers['webhook-signature']),
          });
          return [JSON.parse(r.body) as ReceivedEvent];
        } catch {
          return [];
        }
      });
    },
    async waitFor(count, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (requests.length < count) {
        if (Date.now() > deadline) {
          throw new Error(`receiver got ${requests.length} requests, expected ${count}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const received = {
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
      };
      requests.push(received);
      void Promise.resolve(receiver.respond(received, res)).catch(() => res.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
  server.closeAllConnections?.();
  return receiver;
}
