/**
 * Completeness checks the sandbox cannot provoke, against a scripted loopback Personio: a v1
 * page served twice, a missing page, a page shorter than announced; time-offs paged from 1 with
 * a record repeated across pages (deduplicated, not an error) and absences only partly inside
 * the window; a v2 `next` link that repeats a cursor or follows an empty page. Each either reads
 * everything or fails with BAD_RESPONSE; never a short list.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConnectorError } from '../connector';
import { PersonioConnector } from './personio.connector';
import { drain, fakeTime } from './personio.test-kit';

type Handler = (url: URL, res: ServerResponse) => void;

function send(res: ServerResponse, body: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function employee(id: number): unknown {
  return { type: 'Employee', attributes: { id: { label: 'ID', value: id, type: 'integer' } } };
}

function timeOff(id: number, start: string, end: string): unknown {
  return {
    type: 'TimeOffPeriod',
    attributes: {
      id,
      status: 'approved',
      start_date: `${start}T00:00:00+02:00`,
      end_date: `${end}T00:00:00+02:00`,
      days_count: 1,
      half_day_start: 0,
      half_day_end: 0,
      time_off_type: { type: 'TimeOffType', attributes: { id: 1, name: 'Vacation' } },
      employee: { type: 'Employee', attributes: { id: { label: 'ID', value: 1 } } },
    },
  };
}

describe('completeness checks (scripted Personio)', () => {
  let server: Server;
  let base: string;
  let handler: Handler;
  let requests: URL[];

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const url = new URL(req.url ?? '/', 'http://x');
      req.resume();
      req.on('end', () => {
        if (url.pathname === '/v1/auth') {
          return send(res, { success: true, data: { token: 'papi-t', expires_in: 86_400 } });
        }
        if (url.pathname === '/v2/auth/token') {
          return send(res, { access_token: 'papi-t2', expires_in: 86_400, scope: '' });
        }
        requests.push(url);
        handler(url, res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  beforeEach(() => {
    requests = [];
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  function session(version: 'v1' | 'v2') {
    const time = fakeTime();
    const connector = new PersonioConnector({
      baseUrl: base,
      rateLimits: false,
      employeePageSize: 2,
      personPageSize: 2,
      clock: time.clock,
      sleep: time.sleep,
      v2AbsenceDurations: false,
    });
    return {
      connector,
      session: connector.session({ clientId: 'c', clientSecret: 's' }, { apiVersion: version }),
    };
  }

  async function outcome(pages: AsyncIterable<unknown[]>): Promise<number | ConnectorError> {
    try {
      return (await drain(pages)).items.length;
    } catch (error: unknown) {
      if (error instanceof ConnectorError) return error;
      throw error;
    }
  }

  /** v1 employees: `pages[offset/2]` answers; total 6. */
  function v1Employees(pages: Record<number, number[]>, total = 6): Handler {
    return (url, res) => {
      const offset = Number(url.searchParams.get('offset'));
      const ids = pages[offset] ?? [];
      send(res, {
        success: true,
        metadata: { total_elements: total, current_page: offset / 2, total_pages: 3 },
        offset,
        limit: 2,
        data: ids.map(employee),
      });
    };
  }

  it.each<[string, Record<number, number[]>]>([
    ['a page served twice', { 0: [1, 2], 2: [1, 2], 4: [5, 6] }],
    ['a page missing (empty before the last)', { 0: [1, 2], 2: [], 4: [5, 6] }],
    ['a page shorter than announced', { 0: [1, 2], 2: [3], 4: [5, 6] }],
    ['a record repeated across pages', { 0: [1, 2], 2: [2, 3], 4: [5, 6] }],
  ])('v1 employees: %s is BAD_RESPONSE after a retry, never a short list', async (_name, pages) => {
    handler = v1Employees(pages);
    const { connector, session: s } = session('v1');
    const result = await outcome(s.employees());
    expect(result).toBeInstanceOf(ConnectorError);
    expect((result as ConnectorError).code).toBe('BAD_RESPONSE');
    // The bad page was asked for again before giving up (a proxy hiccup would have healed).
    const offsets = requests.map((u) => u.searchParams.get('offset'));
    expect(offsets.filter((o) => o === '2').length).toBeGreaterThan(1);
    await connector.close();
  });

  it('v1 employees: a well-formed read of 6 in 3 pages is complete (and probes past the last full page)', async () => {
    handler = v1Employees({ 0: [1, 2], 2: [3, 4], 4: [5, 6] });
    const { connector, session: s } = session('v1');
    expect(await outcome(s.employees())).toBe(6);
    expect(requests.map((u) => u.searchParams.get('offset'))).toEqual(['0', '2', '4', '6']);
    await connector.close();
  });

  it('v1 time-offs: pages from 1, a record repeated across pages kept once, window overlap applied', async () => {
    handler = (url, res) => {
      if (url.pathname === '/v1/company/time-off-types')
        return send(res, { success: true, data: [] });
      if (url.pathname === '/v1/company/absence-periods') {
        return send(res, {
          success: true,
          metadata: { total_elements: 0, current_page: 1, total_pages: 0 },
          data: [],
        });
      }
      const page = Number(url.searchParams.get('offset'));
      const data =
        page === 1
          ? [timeOff(1, '2026-06-01', '2026-06-02'), timeOff(2, '2026-06-03', '2026-06-03')]
          : page === 2
            ? [timeOff(2, '2026-06-03', '2026-06-03'), timeOff(3, '2026-04-01', '2026-04-02')]
            : [];
      send(res, {
        success: true,
        metadata: { total_elements: 4, current_page: page, total_pages: 2 },
        data,
      });
    };
    const { connector, session: s } = session('v1');
    const { items } = await drain(s.absences({ from: '2026-05-01', to: '2026-06-30' }));
    expect(items.map((a) => a.remote_id)).toEqual(['1', '2']);
    const pages = requests
      .filter((u) => u.pathname === '/v1/company/time-offs')
      .map((u) => u.searchParams.get('offset'));
    expect(pages).toEqual(['1', '2']);
    // The window is widened for Personio's "contained only" filtering, then applied here.
    const first = requests.find((u) => u.pathname === '/v1/company/time-offs');
    expect(first?.searchParams.get('start_date')).toBe('2025-04-30');
    await connector.close();
  });

  it('v1 time-offs: fewer records than total_elements is BAD_RESPONSE', async () => {
    handler = (url, res) => {
      if (url.pathname === '/v1/company/time-off-types')
        return send(res, { success: true, data: [] });
      const page = Number(url.searchParams.get('offset'));
      send(res, {
        success: true,
        metadata: { total_elements: 5, current_page: page, total_pages: 1 },
        data: page === 1 ? [timeOff(1, '2026-06-01', '2026-06-02')] : [],
      });
    };
    const { connector, session: s } = session('v1');
    const result = await outcome(s.absences({ from: '2026-05-01', to: '2026-06-30' }));
    expect((result as ConnectorError).code).toBe('BAD_RESPONSE');
    await connector.close();
  });

  function v2Persons(links: Record<string, { ids: string[]; next?: string }>): Handler {
    return (url, res) => {
      if (url.pathname.endsWith('/employments'))
        return send(res, { _data: [], _meta: { links: {} } });
      if (url.pathname === '/v2/workplaces') {
        res.writeHead(404, { 'content-type': 'application/problem+json' });
        return res.end('{}');
      }
      const page = links[url.searchParams.get('cursor') ?? 'first'] ?? { ids: [] };
      send(res, {
        _data: page.ids.map((id) => ({ id })),
        _meta: {
          links: page.next
            ? { next: { href: `https://elsewhere.example/v2/persons?cursor=${page.next}` } }
            : {},
        },
      });
    };
  }

  it('v2: follows cursors from links on another host to the configured base URL', async () => {
    handler = v2Persons({ first: { ids: ['1', '2'], next: 'a' }, a: { ids: ['3'] } });
    const { connector, session: s } = session('v2');
    expect(await outcome(s.employees())).toBe(3);
    await connector.close();
  });

  it.each<[string, Record<string, { ids: string[]; next?: string }>]>([
    [
      'a next link repeating a cursor',
      { first: { ids: ['1', '2'], next: 'a' }, a: { ids: ['3', '4'], next: 'a' } },
    ],
    [
      'an empty page before the last',
      { first: { ids: ['1', '2'], next: 'a' }, a: { ids: [], next: 'b' }, b: { ids: ['5'] } },
    ],
    [
      'a page served twice under another cursor',
      { first: { ids: ['1', '2'], next: 'a' }, a: { ids: ['1', '2'] } },
    ],
  ])('v2: %s is BAD_RESPONSE', async (_name, links) => {
    handler = v2Persons(links);
    const { connector, session: s } = session('v2');
    const result = await outcome(s.employees());
    expect(result).toBeInstanceOf(ConnectorError);
    expect((result as ConnectorError).code).toBe('BAD_RESPONSE');
    await connector.close();
  });
});
