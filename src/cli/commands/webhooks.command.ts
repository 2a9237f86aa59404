/** `webhooks list|replay`: the application's endpoints (routes under /v1/webhooks). */
import { type components } from '../../../openapi/generated/hris-gateway';
import { type CommandSpec } from '../command';
import { UsageError } from '../errors';
import { orDash, table } from '../output';
import { PAGE_OPTIONS, nextPageHint, pageQuery } from './paging';

type ReplayResult = components['schemas']['WebhookReplayResult'];

export const webhooksList: CommandSpec = {
  group: 'webhooks',
  action: 'list',
  summary: "List the application's webhook endpoints",
  arguments: [],
  auth: 'application',
  options: { ...PAGE_OPTIONS },
  async run({ input, gateway, output }) {
    const { body: page } = await gateway.get<components['schemas']['WebhookEndpointList']>(
      '/v1/webhooks',
      pageQuery(input),
    );
    output.result(page, () =>
      page.data.length === 0
        ? 'No webhook endpoints.'
        : table(
            ['ID', 'URL', 'STATE', 'FAILING SINCE', 'CONNECTIONS', 'EVENTS'],
            page.data.map((w) => [
              w.id,
              w.url,
              w.enabled ? 'enabled' : `disabled (${w.disabled_reason ?? 'manual'})`,
              orDash(w.failing_since),
              w.connection_ids === null ? 'all' : String(w.connection_ids.length),
              w.event_types.join(' '),
            ]),
          ),
    );
    nextPageHint(output, page.next_cursor);
    return 0;
  },
};

export const webhooksReplay: CommandSpec = {
  group: 'webhooks',
  action: 'replay',
  summary: "Send a stream's events after a sequence to an endpoint again",
  arguments: [{ name: 'webhook-id', description: 'The endpoint to send to' }],
  auth: 'application',
  options: {
    after: {
      type: 'string',
      value: '<sequence>',
      description: 'Replay events with a greater sequence (required; 0 replays from the start)',
    },
    connection: {
      type: 'string',
      value: '<connection-id>',
      description: 'Whose events (required unless the endpoint hears one connection only)',
    },
    'application-events': {
      type: 'boolean',
      description: "Replay the application's own events (webhook_endpoint.disabled) instead",
    },
  },
  details:
    'At most 10,000 events are queued per call; when more remain, the output says which --after to use next.',
  async run({ input, gateway, output }) {
    const id = input.argument('webhook-id');
    const after = input.integer('after', { min: 0, max: Number.MAX_SAFE_INTEGER });
    if (after === undefined) throw new UsageError('missing --after <sequence>');
    const connection = input.string('connection');
    if (connection !== undefined && input.flag('application-events')) {
      throw new UsageError('use --connection or --application-events, not both');
    }
    const body = {
      after_sequence: after,
      ...(connection !== undefined ? { connection_id: connection } : {}),
      ...(input.flag('application-events') ? { connection_id: null } : {}),
    };
    const { body: result } = await gateway.post<ReplayResult>(
      `/v1/webhooks/${encodeURIComponent(id)}/replay`,
      body,
    );
    output.result(result, () => {
      const stream = result.connection_id
        ? `connection ${result.connection_id}`
        : "the application's own events";
      const upTo = result.last_sequence === null ? '' : ` up to sequence ${result.last_sequence}`;
      const more = result.more
        ? `\nMore remain: run again with --after ${result.last_sequence}`
        : '';
      return `Queued ${result.queued} deliveries from ${stream}${upTo}.${more}`;
    });
    return 0;
  },
};
