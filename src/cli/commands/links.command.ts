/** `links create`: a single-use connect link for a customer's admin (POST /v1/connect/sessions). */
import { type components } from '../../../openapi/generated/hris-gateway';
import { type CommandSpec } from '../command';
import { UsageError } from '../errors';
import { keyValues } from '../output';

type ConnectSession = components['schemas']['ConnectSession'];

export const linksCreate: CommandSpec = {
  group: 'links',
  action: 'create',
  summary: "Create a connect link to send to a customer's Personio admin",
  arguments: [],
  auth: 'application',
  options: {
    'customer-ref': {
      type: 'string',
      value: '<ref>',
      description: 'Your id for the customer; an existing one targets its connection',
    },
    connection: {
      type: 'string',
      value: '<connection-id>',
      description: 'Re-enter credentials for this existing connection instead',
    },
    settings: {
      type: 'string',
      value: '<json>',
      description: 'Connection settings as a JSON object, e.g. \'{"schedule":"PT15M"}\'',
    },
    'redirect-url': {
      type: 'string',
      value: '<https-url>',
      description: "Where to send the admin afterwards (one of the application's redirect URLs)",
    },
    state: { type: 'string', value: '<text>', description: 'Handed back on redirect' },
    'expires-in': {
      type: 'string',
      value: '<seconds>',
      description: 'Link lifetime, 300-2592000 (default 7 days)',
    },
  },
  details:
    'Example:\n  hris-gateway links create --customer-ref acme-gmbh --settings \'{"schedule":"PT1H"}\'',
  async run({ input, gateway, output }) {
    const customerRef = input.string('customer-ref');
    const connectionId = input.string('connection');
    if (customerRef === undefined && connectionId === undefined) {
      throw new UsageError('name the customer with --customer-ref (or an existing --connection)');
    }
    const body = {
      ...(customerRef !== undefined ? { customer_ref: customerRef } : {}),
      ...(connectionId !== undefined ? { connection_id: connectionId } : {}),
      ...(input.json('settings') ? { settings: input.json('settings') } : {}),
      ...(input.string('redirect-url') !== undefined
        ? { redirect_url: input.string('redirect-url') }
        : {}),
      ...(input.string('state') !== undefined ? { state: input.string('state') } : {}),
      ...(input.integer('expires-in', { min: 300, max: 2_592_000 }) !== undefined
        ? { expires_in: input.integer('expires-in', { min: 300, max: 2_592_000 }) }
        : {}),
    };
    const { body: link } = await gateway.post<ConnectSession>('/v1/connect/sessions', body);
    output.result(link, () =>
      [
        keyValues([
          ['link', link.url],
          ['connection', link.connection_id],
          ['expires', link.expires_at],
        ]),
        '',
        "Send the link to the customer's Personio admin; it works once and is shown only now.",
      ].join('\n'),
    );
    return 0;
  },
};
