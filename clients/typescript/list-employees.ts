/**
 * A typed client for the HRIS gateway: the openapi-typescript types of openapi/hris-gateway.yaml
 * (`npm run openapi:types`) plus openapi-fetch. Lists every employee of a connection, page by page.
 *
 *   GATEWAY_URL=http://127.0.0.1:3000 CLIENT_ID=... CLIENT_SECRET=... CONNECTION_ID=... \
 *     node -r @swc-node/register clients/typescript/list-employees.ts
 */
import createClient from 'openapi-fetch';
import type { components, paths } from '../../openapi/generated/hris-gateway';

export type Employee = components['schemas']['Employee'];
export interface Options {
  pageSize?: number; // 1-500
  fetch?: (request: Request) => Promise<Response>; // defaults to the global fetch
}

/** A 15-minute token bound to one connection (OAuth 2 client credentials). */
export async function getToken(
  baseUrl: string,
  credentials: { clientId: string; clientSecret: string; connectionId: string },
  options: Options = {},
): Promise<string> {
  const client = createClient<paths>({ baseUrl, fetch: options.fetch });
  const { data, error, response } = await client.POST('/v1/oauth/token', {
    body: {
      grant_type: 'client_credentials',
      client_id: credentials.clientId,
      client_secret: credentials.clientSecret,
      connection_id: credentials.connectionId,
    },
  });
  if (!data) throw new Error(`token: ${response.status} ${JSON.stringify(error)}`);
  return data.access_token;
}

/** Every employee of the token's connection, following `next_cursor` until it is null. */
export async function listAllEmployees(
  baseUrl: string,
  token: string,
  options: Options = {},
): Promise<Employee[]> {
  const client = createClient<paths>({
    baseUrl,
    fetch: options.fetch,
    headers: { Authorization: `Bearer ${token}` },
  });
  const employees: Employee[] = [];
  let cursor: string | undefined;
  do {
    const { data, error, response } = await client.GET('/v1/hris/employees', {
      params: { query: { limit: options.pageSize ?? 100, cursor } },
    });
    if (!data) throw new Error(`employees: ${response.status} ${JSON.stringify(error)}`);
    employees.push(...data.data);
    cursor = data.next_cursor ?? undefined;
  } while (cursor);
  return employees;
}

async function main(): Promise<void> {
  const env = (name: string): string => {
    const value = process.env[name];
    if (!value) throw new Error(`set ${name}`);
    return value;
  };
  const baseUrl = env('GATEWAY_URL');
  const token = await getToken(baseUrl, {
    clientId: env('CLIENT_ID'),
    clientSecret: env('CLIENT_SECRET'),
    connectionId: env('CONNECTION_ID'),
  });
  for (const e of await listAllEmployees(baseUrl, token)) {
    process.stdout.write(`${e.display_name ?? `(no name, remote_id ${e.remote_id})`}\n`);
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}
