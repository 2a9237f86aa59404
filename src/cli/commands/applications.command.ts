/** `applications create|list|rotate-secret`: the admin API under /v1/admin/applications. */
import { type components } from '../../../openapi/generated/hris-gateway';
import { SCOPES } from '../../auth/scopes';
import { type CommandSpec } from '../command';
import { UsageError } from '../errors';
import { keyValues, orDash, table } from '../output';
import { PAGE_OPTIONS, pageQuery, nextPageHint } from './paging';

type ApplicationWithSecret = components['schemas']['ApplicationWithSecret'];

const path = (id: string): string => `/v1/admin/applications/${encodeURIComponent(id)}`;

/** The secret is printed once, by design: the gateway keeps only its hash. */
function withSecret(app: ApplicationWithSecret, heading: string): string {
  return [
    heading,
    keyValues([
      ['id', app.id],
      ['name', app.name],
      ['client_id', app.client_id],
      ['client_secret', app.client_secret],
      ['scopes', app.scopes.join(' ')],
    ]),
    '',
    'The client secret is shown this once: store it in your secret manager now.',
  ].join('\n');
}

export const applicationsCreate: CommandSpec = {
  group: 'applications',
  action: 'create',
  summary: 'Create an application (prints its client secret once)',
  arguments: [],
  auth: 'admin',
  options: {
    name: { type: 'string', value: '<name>', description: 'Name shown to customers (required)' },
    scope: {
      type: 'string',
      multiple: true,
      value: '<scope>',
      description: `Scope to grant, repeatable or comma-separated (required): ${SCOPES.join(', ')}, or "all"`,
    },
    'logo-text': {
      type: 'string',
      value: '<text>',
      description: 'Short logo text for the connect page',
    },
    'required-attribute': {
      type: 'string',
      multiple: true,
      value: '<field>',
      description: 'Unified field the application needs readable in Personio (repeatable)',
    },
    'redirect-url': {
      type: 'string',
      multiple: true,
      value: '<https-url>',
      description: 'URL a connect session may send the admin back to (repeatable)',
    },
    settings: {
      type: 'string',
      value: '<json>',
      description: 'Default connection settings as a JSON object, e.g. \'{"schedule":"PT15M"}\'',
    },
  },
  details:
    'Example:\n  hris-gateway applications create --name "Expense tool" --scope hris.employees:read,webhooks:write',
  async run({ input, gateway, output }) {
    const name = input.string('name');
    if (name === undefined) throw new UsageError('missing --name');
    const requested = input.strings('scope');
    if (requested.length === 0) throw new UsageError('missing --scope (at least one, or "all")');
    const scopes = requested.includes('all') ? [...SCOPES] : requested;
    const attributes = input.strings('required-attribute');
    const redirects = input.strings('redirect-url');
    const body = {
      name,
      scopes,
      ...(input.string('logo-text') !== undefined ? { logo_text: input.string('logo-text') } : {}),
      ...(attributes.length ? { required_attributes: attributes } : {}),
      ...(redirects.length ? { redirect_urls: redirects } : {}),
      ...(input.json('settings') ? { default_settings: input.json('settings') } : {}),
    };
    const { body: app } = await gateway.post<ApplicationWithSecret>('/v1/admin/applications', body);
    output.result(app, () => withSecret(app, `Created application "${app.name}".`));
    return 0;
  },
};

export const applicationsList: CommandSpec = {
  group: 'applications',
  action: 'list',
  summary: 'List applications, newest first',
  arguments: [],
  auth: 'admin',
  options: { ...PAGE_OPTIONS },
  async run({ input, gateway, output }) {
    const { body: page } = await gateway.get<components['schemas']['ApplicationPage']>(
      '/v1/admin/applications',
      pageQuery(input),
    );
    output.result(page, () =>
      page.data.length === 0
        ? 'No applications yet. Create one with: hris-gateway applications create'
        : table(
            ['ID', 'NAME', 'CLIENT ID', 'STATUS', 'SCOPES'],
            page.data.map((app) => [
              app.id,
              app.name,
              app.client_id,
              app.status,
              orDash(app.scopes.join(' ')),
            ]),
          ),
    );
    nextPageHint(output, page.next_cursor);
    return 0;
  },
};

export const applicationsRotateSecret: CommandSpec = {
  group: 'applications',
  action: 'rotate-secret',
  summary: "Replace an application's client secret (tokens issued before stop working)",
  arguments: [{ name: 'application-id', description: 'The application to rotate' }],
  auth: 'admin',
  options: {},
  async run({ input, gateway, output }) {
    const { body: app } = await gateway.post<ApplicationWithSecret>(
      `${path(input.argument('application-id'))}/rotate-secret`,
    );
    output.result(app, () =>
      withSecret(app, `New client secret for "${app.name}"; every token issued before is revoked.`),
    );
    return 0;
  },
};
