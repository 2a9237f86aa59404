/**
 * The operator console in a real browser with JavaScript off: log in with the admin token, see
 * what the API created, press every button, and check the database agrees. Plain HTTP requests
 * check what a browser would never send (no form token, another site, no ADMIN_TOKEN).
 * Screenshots land in test-artifacts/console-*.png.
 */
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import request from 'supertest';
import { type RunningSandbox } from '../../connectors/personio/sandbox';
import { accessToken, createApplication, TEST_ADMIN_TOKEN } from '../support/auth';
import { artifactPath, chromiumAvailable, launchChromium } from '../support/browser';
import { expectContract } from '../support/contract';
import { startTestGateway, type TestGateway } from '../support/gateway';
import { waitFor } from '../support/gateway-processes';
import { startTestSandbox } from '../support/sandbox';
import { connectThroughLink, query, waitForLatestRun, waitForRun } from '../support/sync';
import { answer, startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

const describeIfChromium = chromiumAvailable ? describe : describe.skip;
const reason = chromiumAvailable
  ? ''
  : ' (skipped: Debian chromium is not installed; apt-get install chromium)';

/** Customer-supplied text with markup in it: the console must show it, never render it. */
const APP_NAME = 'Expense <b>tool</b> & "co"';

describeIfChromium(`operator console in a real browser (Chromium, JavaScript off)${reason}`, () => {
  let sandbox: RunningSandbox;
  let gateway: TestGateway;
  let receiver: WebhookReceiver;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let connectionId: string;
  /** The application's API token, for reading runs the way a client does. */
  let token: string;
  let endpointId: string;
  /** Requests the pages made anywhere but the gateways under test: must stay empty. */
  const outside: string[] = [];
  let closedUrl = 'http://closed.invalid';

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    receiver = await startWebhookReceiver();
    receiver.respond = answer(500, { 'Content-Type': 'text/plain' }, 'receiver is down');
    gateway = await startTestGateway({
      ADMIN_TOKEN: TEST_ADMIN_TOKEN,
      PERSONIO_BASE_URL: sandbox.url,
      SYNC_TICK_MS: '100',
      WEBHOOK_TICK_MS: '50',
      WEBHOOK_TIMEOUT_MS: '2000',
      WEBHOOK_ALLOW_INSECURE_URLS: 'true',
    });
    const app = await createApplication(gateway, { name: APP_NAME });
    token = await accessToken(gateway, app);
    connectionId = await connectThroughLink(gateway, token, sandbox.credentials[0]!, {
      customer_ref: 'acme-gmbh',
    });
    expect((await waitForLatestRun(gateway, token, connectionId)).status).toBe('succeeded');
    const hook = await request(gateway.url)
      .post('/v1/webhooks')
      .set('Authorization', `Bearer ${token}`)
      .send({ url: receiver.url, event_types: ['*'], description: 'Ledger <i>sync</i>' })
      .expect(201);
    expectContract(hook);
    endpointId = hook.body.id as string;
    browser = await launchChromium();
    context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      javaScriptEnabled: false,
    });
    page = await context.newPage();
    page.on('request', (r) => {
      if (r.url().startsWith(gateway.url) || r.url().startsWith(closedUrl)) return;
      outside.push(r.url());
    });
  }, 60_000);
  afterAll(async () => {
    expect(outside).toEqual([]);
    await context?.close();
    await browser?.close();
    await gateway?.close();
    await receiver?.close();
    await sandbox?.close();
  });

  const shot = (name: string): Promise<Buffer> =>
    page.screenshot({ path: artifactPath(`console-${name}.png`), fullPage: true });

  /** Clicks what navigates, then waits for the new page to finish loading. */
  async function submit(selector: string): Promise<void> {
    await page.click(selector);
    await page.waitForLoadState('load');
  }

  /** The run a console action led to: the page it redirected to is the run's. */
  function runIdOf(url: string): string {
    const id = /\/console\/runs\/([0-9a-f-]{36})$/.exec(url)?.[1];
    if (!id) throw new Error(`not a run page: ${url}`);
    return id;
  }

  async function connectionStatus(): Promise<string> {
    const [row] = await query<{ status: string }>(
      gateway,
      `SELECT status FROM connections WHERE id = $1`,
      [connectionId],
    );
    return row!.status;
  }

  const text = async (locator: ReturnType<Page['locator']>): Promise<string> =>
    ((await locator.textContent()) ?? '').trim();

  /** Reloads a page until `locator` is on it (a background worker is about to write it). */
  async function reloadUntil(
    path: string,
    locator: ReturnType<Page['locator']>,
    timeoutMs = 10_000,
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const shown = await page.goto(`${gateway.url}${path}`);
      if ((await locator.count()) > 0) return;
      if (Date.now() > deadline) {
        await shot('timed-out');
        throw new Error(`${path} (${shown?.status()}) never showed what the test waits for`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** The session cookie and a form token of it, as a browser page would hold them. */
  async function sessionAndToken(): Promise<{ cookie: string; csrf: string }> {
    const cookies = await context.cookies(`${gateway.url}/console/`);
    const session = cookies.find((c) => c.name === 'console_session')!;
    const cookie = `console_session=${session.value}`;
    const res = await fetch(`${gateway.url}/console/connections/${connectionId}`, {
      headers: { cookie },
    });
    expect(res.status).toBe(200);
    const csrf = /name="csrf" value="([^"]+)"/.exec(await res.text())?.[1];
    expect(csrf).toBeDefined();
    return { cookie, csrf: csrf! };
  }

  it('refuses a wrong admin token and logs in with the right one', async () => {
    const opened = await page.goto(`${gateway.url}/console`);
    expect(page.url()).toBe(`${gateway.url}/console/login`);
    expect(opened?.headers()['content-security-policy']).toContain("default-src 'none'");
    await page.fill('#admin_token', 'not-the-admin-token-but-long-enough-0000');
    const [refused] = await Promise.all([
      page.waitForResponse(
        (r) => r.url().endsWith('/console/login') && r.request().method() === 'POST',
      ),
      page.click('#login'),
    ]);
    expect(refused.status()).toBe(401);
    expect(await text(page.locator('#login-error'))).toBe('That is not the admin token.');
    expect(await context.cookies(`${gateway.url}/console/`)).not.toContainEqual(
      expect.objectContaining({ name: 'console_session' }),
    );
    await shot('1-login-refused');

    await page.fill('#admin_token', TEST_ADMIN_TOKEN);
    await submit('#login');
    expect(page.url()).toBe(`${gateway.url}/console/applications`);
    const session = (await context.cookies(`${gateway.url}/console/`)).find(
      (c) => c.name === 'console_session',
    );
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/console' });
    expect(session?.value).not.toContain(TEST_ADMIN_TOKEN);
    expect(decodeURIComponent(session!.value)).not.toContain(TEST_ADMIN_TOKEN.slice(0, 12));
  });

  it('lists the application and its connection with stored counts, names escaped', async () => {
    await page.goto(`${gateway.url}/console/applications`);
    const row = page.locator('#applications tbody tr', { hasText: 'Expense' });
    expect((await row.locator('td').first().textContent())?.trim()).toBe(APP_NAME);
    expect(await page.locator('#applications b').count()).toBe(0);
    await shot('2-applications');

    await submit(`#applications a:text("${APP_NAME.replace(/"/g, '\\"')}")`);
    expect(page.url()).toContain('/console/connections?application_id=');
    const connection = page.locator(`tr[data-connection-id="${connectionId}"]`);
    const [counts] = await query<{ employees: number; absences: number }>(
      gateway,
      `SELECT (SELECT count(*)::int FROM employees WHERE connection_id = $1 AND remote_deleted_at IS NULL) AS employees,
              (SELECT count(*)::int FROM absences WHERE connection_id = $1 AND remote_deleted_at IS NULL) AS absences`,
      [connectionId],
    );
    expect(counts!.employees).toBe(sandbox.state.store.employees().length);
    expect(await text(connection.locator('td.employees'))).toBe(String(counts!.employees));
    expect(await text(connection.locator('td.absences'))).toBe(String(counts!.absences));
    const rowText = await text(connection);
    expect(rowText).toContain('acme-gmbh');
    expect(rowText).toContain('connected');
    expect(rowText).toContain('healthy');
    expect(rowText).toContain('succeeded');
    await shot('3-connections');
  });

  it('triggers a sync from the console and shows the run succeed with its counts', async () => {
    const hired = sandbox.control.hire({
      first_name: 'Grace',
      last_name: 'Hopper',
      email: 'grace@example.com',
    });
    expect(hired.id).toBeGreaterThan(0);
    await page.goto(`${gateway.url}/console/connections/${connectionId}`);
    await shot('4-connection');
    await submit('#sync-now');
    const runId = runIdOf(page.url());
    // The run page refreshes itself (meta refresh) until the run ends.
    await page.locator('#run-status', { hasText: 'succeeded' }).waitFor({ timeout: 20_000 });
    await expect(
      page.locator('#run-counts tr[data-resource="employees"] td').nth(1).textContent(),
    ).resolves.toBe('1');
    const [run] = await query<{ trigger: string; actor: unknown; status: string }>(
      gateway,
      `SELECT trigger, actor, status FROM sync_runs WHERE id = $1`,
      [runId],
    );
    expect(run).toEqual({
      trigger: 'manual',
      actor: { name: 'operator console', email: null },
      status: 'succeeded',
    });
    await shot('5-run-succeeded');
  });

  it('pauses and resumes the connection', async () => {
    await page.goto(`${gateway.url}/console/connections/${connectionId}`);
    await submit('#pause');
    expect(await text(page.locator('#connection-status'))).toBe('paused');
    expect(await text(page.locator('#flash'))).toContain('paused');
    expect(await connectionStatus()).toBe('paused');
    await shot('6-paused');
    const resumedAt = new Date();
    await submit('#resume');
    expect(await text(page.locator('#connection-status'))).toBe('connected');
    expect(await connectionStatus()).toBe('connected');
    // Resuming makes the connection due at once. That run ends here, before the next test
    // changes the sandbox: otherwise it can read the people before they are deleted, and the
    // next "Sync now" joins it instead of starting a run of its own.
    const resumed = await waitFor(
      'the run resuming starts',
      async () =>
        (
          await query<{ id: string }>(
            gateway,
            `SELECT id FROM sync_runs WHERE connection_id = $1 AND trigger = 'schedule'
               AND queued_at >= $2 ORDER BY queued_at LIMIT 1`,
            [connectionId, resumedAt],
          )
        )[0],
      20_000,
      50,
    );
    expect((await waitForRun(gateway, token, resumed.id)).status).toBe('succeeded');
  });

  it('holds back a mass deletion and confirms it from the run page', async () => {
    const people = sandbox.state.store.employees();
    const removing = people.slice(0, Math.ceil(people.length * 0.4));
    for (const person of removing) sandbox.control.deleteEmployee(person.id);
    await page.goto(`${gateway.url}/console/connections/${connectionId}`);
    await submit('#sync-now');
    // The run's own record first: a run that ends otherwise fails here with its status and
    // error, not as a page that never showed the word.
    const held = await waitForRun(gateway, token, runIdOf(page.url()));
    expect({ trigger: held.trigger, status: held.status, error: held.error }).toEqual({
      trigger: 'manual',
      status: 'needs_confirmation',
      error: null,
    });
    await page.reload();
    await page.locator('#run-status', { hasText: 'needs_confirmation' }).waitFor();
    expect(await text(page.locator('#deletion-guard'))).toContain(
      `delete ${removing.length} of ${people.length}`,
    );
    await shot('7-held-back');
    await submit('#confirm-run');
    const confirmed = await waitForRun(gateway, token, runIdOf(page.url()));
    expect({ status: confirmed.status, error: confirmed.error }).toEqual({
      status: 'succeeded',
      error: null,
    });
    await page.reload();
    await page.locator('#run-status', { hasText: 'succeeded' }).waitFor();
    const [live] = await query<{ n: number }>(
      gateway,
      `SELECT count(*)::int AS n FROM employees WHERE connection_id = $1 AND remote_deleted_at IS NULL`,
      [connectionId],
    );
    expect(live!.n).toBe(people.length - removing.length);
  });

  it('charts every run of the connection: one bar and one point each', async () => {
    await page.goto(`${gateway.url}/console/connections/${connectionId}`);
    const runs = await query<{ id: string }>(
      gateway,
      `SELECT id FROM sync_runs WHERE connection_id = $1 ORDER BY queued_at, id`,
      [connectionId],
    );
    expect(runs.length).toBeGreaterThanOrEqual(4);
    const bars = page.locator('#run-chart rect.bar');
    const points = page.locator('#run-chart circle.point');
    const ids = async (locator: typeof bars): Promise<Array<string | null>> => {
      const found: Array<string | null> = [];
      for (let i = 0; i < (await locator.count()); i++) {
        found.push(await locator.nth(i).getAttribute('data-run-id'));
      }
      return found;
    };
    expect(await ids(bars)).toEqual(runs.map((r) => r.id));
    expect(await ids(points)).toEqual(runs.map((r) => r.id));
    await expect(page.locator('#runs tbody tr').count()).resolves.toBe(runs.length);
    await page.locator('#run-chart').screenshot({ path: artifactPath('console-8-chart.png') });
    await shot('8-connection-runs');
  });

  it('shows the failing webhook endpoint with its attempts and retries a delivery now', async () => {
    await receiver.waitFor(1);
    const endpoint = page.locator(`section[data-endpoint-id="${endpointId}"]`);
    // The receiver has answered; the attempt is recorded a moment later.
    await reloadUntil('/console/webhooks', endpoint.locator('.attempt'));
    expect(await text(endpoint.locator('h2'))).toBe(receiver.url);
    expect(await text(endpoint)).toContain('Ledger <i>sync</i>');
    expect(await text(endpoint.locator('.attempt').first())).toContain('HTTP 500');
    expect(await text(endpoint.locator('.attempt').first())).toContain('receiver is down');
    await shot('9-failing-webhooks');

    // The delivery at the head of the stream: it was tried and waits for its next attempt.
    const due = async (): Promise<{ id: string; attempts: number; next_attempt_at: Date }> => {
      const [row] = await query<{ id: string; attempts: number; next_attempt_at: Date }>(
        gateway,
        `SELECT id, attempts, next_attempt_at FROM webhook_deliveries
         WHERE endpoint_id = $1 AND attempts > 0 AND status = 'pending'
         ORDER BY sequence LIMIT 1`,
        [endpointId],
      );
      return row!;
    };
    let delivery = await due();
    if (delivery.next_attempt_at.getTime() - Date.now() < 2_000) {
      // The automatic retry is about to happen: let it, so only the button can explain the next.
      await receiver.waitFor(receiver.requests.length + 1);
      await new Promise((resolve) => setTimeout(resolve, 200));
      delivery = await due();
    }
    const scheduledAt = delivery.next_attempt_at.getTime();
    const before = receiver.requests.length;
    await page.goto(`${gateway.url}/console/webhooks`);
    await submit(`button[data-delivery-id="${delivery.id}"]`);
    expect(await text(page.locator('#flash'))).toContain('sent again now');
    await receiver.waitFor(before + 1, 5_000).catch(async (error: unknown) => {
      // Failed once in CI under load (2026-12-07): say what the delivery looked like then.
      const [state] = await query(
        gateway,
        `SELECT status, attempts, next_attempt_at, leased_until, now() AS db_now
         FROM webhook_deliveries WHERE id = $1`,
        [delivery.id],
      );
      throw new Error(`${String(error)}; delivery then: ${JSON.stringify(state)}`);
    });
    expect(receiver.requests[before]!.at).toBeLessThan(scheduledAt);

    const row = page.locator(`tr[data-delivery-id="${delivery.id}"]`);
    await reloadUntil('/console/webhooks', row.locator(`.attempt >> nth=${delivery.attempts}`));
    await expect(row.locator('.attempt').count()).resolves.toBe(delivery.attempts + 1);
    await shot('10-after-retry');
  });

  it('searches connections by customer reference and pages through more than one page', async () => {
    // 105 more connections, some created at the same instant (the id breaks the tie).
    await query(
      gateway,
      `INSERT INTO connections (application_id, customer_ref, created_at)
       SELECT c.application_id, 'bulk-' || lpad(i::text, 3, '0'),
              c.created_at - ((i / 3) || ' seconds')::interval
       FROM connections c, generate_series(1, 105) AS i WHERE c.id = $1`,
      [connectionId],
    );
    try {
      const shown: string[] = [];
      await page.goto(`${gateway.url}/console/connections`);
      for (let pages = 1; ; pages += 1) {
        expect(pages).toBeLessThanOrEqual(2);
        shown.push(
          ...(await page.locator('#connections tbody tr td:first-child').allTextContents()),
        );
        if ((await page.locator('#next-page').count()) === 0) break;
        await submit('#next-page');
        expect(await page.locator('#first-page').count()).toBe(1);
      }
      const stored = await query<{ customer_ref: string }>(
        gateway,
        `SELECT customer_ref FROM connections WHERE status <> 'deleted' ORDER BY created_at DESC, id DESC`,
      );
      expect(stored).toHaveLength(106);
      expect(shown.map((t) => t.trim())).toEqual(stored.map((r) => r.customer_ref));

      await page.goto(`${gateway.url}/console/connections`);
      await page.fill('#connection-search input[name="customer_ref"]', 'ACME');
      await submit('#connection-search button');
      const found = await page.locator('#connections tbody tr').allTextContents();
      expect(found).toHaveLength(1);
      expect(found[0]).toContain('acme-gmbh');
      await shot('10b-connection-search');
      // LIKE's wildcards are searched for literally.
      await page.goto(`${gateway.url}/console/connections?customer_ref=%25`);
      expect(await page.locator('#connections').count()).toBe(0);
      expect(await text(page.locator('main p.muted'))).toContain('No connection matches');

      const broken = await page.goto(`${gateway.url}/console/connections?after=not-a-cursor`);
      expect(broken?.status()).toBe(400);
      expect(await page.textContent('body')).toContain('start from the first page');
    } finally {
      await query(gateway, `DELETE FROM connections WHERE customer_ref LIKE 'bulk-%'`);
    }
  });

  it('refuses a POST without the form token (403) or from another site, and runs one with it', async () => {
    const { cookie, csrf } = await sessionAndToken();
    const post = (
      path: string,
      body: Record<string, string>,
      headers: Record<string, string> = {},
    ) =>
      fetch(`${gateway.url}${path}`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: new URLSearchParams(body).toString(),
      });
    const pause = `/console/connections/${connectionId}/pause`;
    const missing = await post(pause, {}, { cookie });
    expect(missing.status).toBe(403);
    expect(await missing.text()).toContain('This form has expired');
    const wrong = await post(pause, { csrf: `${csrf}x` }, { cookie });
    expect(wrong.status).toBe(403);
    const crossSite = await post(pause, { csrf }, { cookie, 'sec-fetch-site': 'cross-site' });
    expect(crossSite.status).toBe(403);
    const noSession = await post(pause, { csrf });
    expect(noSession.status).toBe(401);
    const loginWithoutToken = await post('/console/login', { admin_token: TEST_ADMIN_TOKEN });
    expect(loginWithoutToken.status).toBe(403);
    expect(loginWithoutToken.headers.get('set-cookie') ?? '').not.toContain('console_session');
    expect(await connectionStatus()).toBe('connected');

    // The same request with the form token goes through: the refusals above were the token's.
    const accepted = await post(pause, { csrf }, { cookie });
    expect(accepted.status).toBe(303);
    expect(await connectionStatus()).toBe('paused');
    const resumed = await post(`/console/connections/${connectionId}/resume`, { csrf }, { cookie });
    expect(resumed.status).toBe(303);
    expect(await connectionStatus()).toBe('connected');
  });

  it('logs out: the session cookie no longer opens a page', async () => {
    const { cookie } = await sessionAndToken();
    await page.goto(`${gateway.url}/console/applications`);
    await submit('#logout');
    expect(page.url()).toBe(`${gateway.url}/console/login`);
    const after = await fetch(`${gateway.url}/console/applications`, {
      headers: { cookie },
      redirect: 'manual',
    });
    expect(after.status).toBe(303);
    expect(after.headers.get('location')).toBe('/console/login');
  });

  it('answers that it is closed when ADMIN_TOKEN is not set', async () => {
    const closed = await startTestGateway(
      { SYNC_ENABLED: 'false', WEBHOOKS_ENABLED: 'false' },
      { database: gateway.database },
    );
    closedUrl = closed.url;
    try {
      const shown = await page.goto(`${closed.url}/console`);
      expect(shown?.status()).toBe(403);
      expect(await text(page.locator('#message'))).toContain('ADMIN_TOKEN');
      await shot('11-closed');
      const login = await fetch(`${closed.url}/console/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ admin_token: TEST_ADMIN_TOKEN }).toString(),
      });
      expect(login.status).toBe(403);
    } finally {
      await closed.close();
    }
  });
});
