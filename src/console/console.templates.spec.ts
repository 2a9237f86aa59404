import { type ConnectionRow, type FailingEndpointRow } from './console.repository';
import { connectionHealth, renderConnections, renderWebhooks } from './console.templates';

const chrome = { csrf: 'form-token', flash: { kind: 'ok' as const, text: '<b>done</b>' } };

const connection = (over: Partial<ConnectionRow> = {}): ConnectionRow => ({
  id: '00000000-0000-4000-8000-000000000001',
  application_id: '00000000-0000-4000-8000-000000000002',
  application_name: 'App <script>x</script>',
  customer_ref: 'cust"><img src=x>',
  status: 'connected',
  status_reason: null,
  has_credentials: true,
  connected_at: new Date(0),
  next_sync_at: new Date(0),
  last_synced_at: new Date(0),
  consecutive_failures: 0,
  created_at: new Date(0),
  employees: 3,
  absences: 1,
  last_run: null,
  ...over,
});

describe('console templates', () => {
  it('escapes customer-supplied names and the flash message', () => {
    const page = renderConnections(
      chrome,
      { rows: [connection()], next: null },
      { application: null, customerRef: '"><i>searched</i>', paged: false },
    );
    expect(page).not.toContain('<script>x');
    expect(page).not.toContain('<i>searched');
    expect(page).toContain('value="&quot;&gt;&lt;i&gt;searched&lt;/i&gt;"');
    expect(page).not.toContain('<img');
    expect(page).not.toContain('<b>done');
    expect(page).toContain('App &lt;script&gt;x&lt;/script&gt;');
    expect(page).toContain('cust&quot;&gt;&lt;img src=x&gt;');
  });

  it('links the next page with the search kept, and the first page from a later one', () => {
    const next = { createdAt: new Date('2026-12-06T10:00:00.123Z'), id: connection().id };
    const view = {
      application: { id: connection().application_id, name: 'App' },
      customerRef: 'acme & co',
      paged: true,
    };
    const page = renderConnections(chrome, { rows: [connection()], next }, view);
    const href = (id: string): string =>
      /id="[^"]*" href="([^"]+)"/.exec(page.slice(page.indexOf(`id="${id}"`)))![1]!;
    const nextUrl = new URL(href('next-page').replace(/&amp;/g, '&'), 'http://console');
    expect(Object.fromEntries(nextUrl.searchParams)).toEqual({
      application_id: connection().application_id,
      customer_ref: 'acme & co',
      after: `2026-12-06T10:00:00.123Z_${connection().id}`,
    });
    const first = new URL(href('first-page').replace(/&amp;/g, '&'), 'http://console');
    expect(first.searchParams.get('after')).toBeNull();
    expect(first.searchParams.get('customer_ref')).toBe('acme & co');
    const last = renderConnections(chrome, { rows: [connection()], next: null }, view);
    expect(last).not.toContain('id="next-page"');
  });

  it('puts the form token in every form of a page', () => {
    const endpoint: FailingEndpointRow = {
      id: '00000000-0000-4000-8000-000000000003',
      application_id: '00000000-0000-4000-8000-000000000002',
      application_name: 'App',
      url: 'https://example.com/hook?<x>',
      description: null,
      enabled: true,
      disabled_reason: null,
      disabled_at: null,
      failing_since: new Date(0),
      pending: 2,
      deliveries: [
        {
          id: '00000000-0000-4000-8000-000000000004',
          event_type: 'employee.created',
          connection_id: null,
          sequence: '1',
          replay: false,
          status: 'pending',
          attempts: 1,
          max_attempts: 8,
          next_attempt_at: new Date(0),
          leased_until: null,
          created_at: new Date(0),
          attempt_log: [
            {
              id: 'a',
              attempted_at: new Date(0),
              status_code: 500,
              duration_ms: 12,
              error: null,
              response_excerpt: '<h1>down</h1>',
            },
          ],
        },
      ],
    };
    const page = renderWebhooks(chrome, [endpoint]);
    const forms = page.match(/<form /g)?.length ?? 0;
    const tokens = page.match(/name="csrf" value="form-token"/g)?.length ?? 0;
    expect(forms).toBe(2); // log out, retry
    expect(tokens).toBe(forms);
    expect(page).not.toContain('<h1>down');
    expect(page).toContain('https://example.com/hook?&lt;x&gt;');
  });

  it('names a connection health from its status and its runs', () => {
    expect(connectionHealth(connection()).text).toBe('healthy');
    expect(connectionHealth(connection({ status: 'pending' })).level).toBe('idle');
    expect(connectionHealth(connection({ consecutive_failures: 2 })).text).toBe(
      '2 failed runs in a row',
    );
    expect(
      connectionHealth(
        connection({
          last_run: {
            id: 'r',
            status: 'needs_confirmation',
            queued_at: new Date(0),
            finished_at: null,
          },
        }),
      ).text,
    ).toBe('deletions held back');
    expect(connectionHealth(connection({ status: 'invalid_credentials' })).level).toBe('bad');
  });
});
