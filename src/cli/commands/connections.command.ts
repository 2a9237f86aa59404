/** `connections list|show`: the application's connections (GET /v1/connections). */
import { type components } from '../../../openapi/generated/hris-gateway';
import { type CommandSpec } from '../command';
import { keyValues, orDash, table } from '../output';
import { PAGE_OPTIONS, nextPageHint, pageQuery } from './paging';

type Connection = components['schemas']['Connection'];

const STATUSES = ['pending', 'connected', 'paused', 'invalid_credentials', 'disabled'];

export const connectionsList: CommandSpec = {
  group: 'connections',
  action: 'list',
  summary: "List the application's connections, newest first",
  arguments: [],
  auth: 'application',
  options: {
    status: {
      type: 'string',
      value: '<status>',
      description: `Only this status: ${STATUSES.join(', ')}`,
    },
    'customer-ref': { type: 'string', value: '<ref>', description: 'Only this customer' },
    ...PAGE_OPTIONS,
  },
  async run({ input, gateway, output }) {
    const { body: page } = await gateway.get<components['schemas']['ConnectionPage']>(
      '/v1/connections',
      {
        ...pageQuery(input),
        status: input.string('status'),
        customer_ref: input.string('customer-ref'),
      },
    );
    output.result(page, () =>
      page.data.length === 0
        ? 'No connections. Create a connect link with: hris-gateway links create --customer-ref <ref>'
        : table(
            ['ID', 'CUSTOMER', 'STATUS', 'LAST SYNCED', 'NEXT SYNC', 'FAILURES'],
            page.data.map((c) => [
              c.id,
              c.customer_ref,
              c.status,
              orDash(c.last_synced_at),
              orDash(c.next_sync_at),
              String(c.consecutive_failures),
            ]),
          ),
    );
    nextPageHint(output, page.next_cursor);
    return 0;
  },
};

export const connectionsShow: CommandSpec = {
  group: 'connections',
  action: 'show',
  summary: 'Show one connection with its settings',
  arguments: [{ name: 'connection-id', description: 'The connection' }],
  auth: 'application',
  options: {},
  async run({ input, gateway, output }) {
    const { body: c } = await gateway.get<Connection>(
      `/v1/connections/${encodeURIComponent(input.argument('connection-id'))}`,
    );
    output.result(c, () =>
      [
        keyValues([
          ['id', c.id],
          ['customer', c.customer_ref],
          ['provider', c.provider],
          ['status', c.status_reason ? `${c.status} (${c.status_reason})` : c.status],
          ['credentials', c.has_credentials ? 'stored' : 'none yet'],
          ['connected', orDash(c.connected_at)],
          ['last synced', orDash(c.last_synced_at)],
          ['next sync', orDash(c.next_sync_at)],
          ['failures in a row', String(c.consecutive_failures)],
          ['created', c.created_at],
        ]),
        'settings:',
        JSON.stringify(c.settings, null, 2)
          .split('\n')
          .map((line) => `  ${line}`)
          .join('\n'),
      ].join('\n'),
    );
    return 0;
  },
};
