import { type Browser } from 'playwright-core';
import { type RunningSandbox } from '../../connectors/personio/sandbox';
import {
  accessToken,
  createApplication,
  createConnectSession,
  TEST_ADMIN_TOKEN,
} from '../support/auth';
import { artifactPath, chromiumAvailable, launchChromium } from '../support/browser';
import { startTestGateway, type TestGateway } from '../support/gateway';
import { startTestSandbox } from '../support/sandbox';

const describeIfChromium = chromiumAvailable ? describe : describe.skip;
const reason = chromiumAvailable
  ? ''
  : ' (skipped: Debian chromium is not installed; apt-get install chromium)';

describeIfChromium(`connect page in a real browser (Chromium, JavaScript off)${reason}`, () => {
  let sandbox: RunningSandbox;
  let gateway: TestGateway;
  let browser: Browser;

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    gateway = await startTestGateway({
      ADMIN_TOKEN: TEST_ADMIN_TOKEN,
      PERSONIO_BASE_URL: sandbox.url,
      CONNECT_RATE_LIMIT_PER_MINUTE: '10000',
    });
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
    await sandbox?.close();
  });

  const viewports = [
    { name: 'phone', width: 390, height: 844 },
    { name: 'desktop', width: 1280, height: 900 },
  ];

  for (const viewport of viewports) {
    it(`lets an admin fix wrong credentials and connect (${viewport.name})`, async () => {
      const app = await createApplication(gateway, {
        name: 'Feedback tool',
        logo_text: 'FB',
        required_attributes: ['email', 'manager_id', 'team_id'],
      });
      const link = await createConnectSession(gateway, await accessToken(gateway, app), {
        customer_ref: `browser-${viewport.name}`,
      });
      const credentials = sandbox.credentials[0] as { clientId: string; clientSecret: string };
      const context = await browser.newContext({
        viewport: { width: viewport.width, height: viewport.height },
        javaScriptEnabled: false,
      });
      const page = await context.newPage();
      const blocked: string[] = [];
      page.on('request', (request) => {
        if (!request.url().startsWith(gateway.url)) blocked.push(request.url());
      });
      try {
        const opened = await page.goto(link.url);
        expect(opened?.status()).toBe(200);
        await expect(page.locator('h1').textContent()).resolves.toBe(
          'Connect your Personio account',
        );
        await expect(page.locator('#required-attributes li').allTextContents()).resolves.toEqual([
          'Email',
          'Manager',
          'Team',
        ]);
        const overflow = await page.evaluate<number>(
          // A string: this project compiles without DOM types; the page evaluates it.
          'document.documentElement.scrollWidth - document.documentElement.clientWidth',
        );
        expect(overflow).toBeLessThanOrEqual(0);
        await page.screenshot({
          path: artifactPath(`connect-${viewport.name}-1-form.png`),
          fullPage: true,
        });

        await page.fill('#client_id', credentials.clientId);
        await page.fill('#client_secret', 'not-the-secret');
        await Promise.all([page.waitForLoadState('load'), page.click('button[type=submit]')]);
        await expect(page.locator('#error h2').textContent()).resolves.toBe(
          'Personio did not accept these credentials',
        );
        await expect(page.locator('#client_id').inputValue()).resolves.toBe(credentials.clientId);
        await expect(page.locator('#client_secret').inputValue()).resolves.toBe('');
        await page.screenshot({
          path: artifactPath(`connect-${viewport.name}-2-refused.png`),
          fullPage: true,
        });

        await page.fill('#client_secret', credentials.clientSecret);
        await Promise.all([page.waitForLoadState('load'), page.click('button[type=submit]')]);
        await expect(page.locator('h1').textContent()).resolves.toBe('Connected');
        await expect(page.locator('#connected').textContent()).resolves.toContain(
          `${sandbox.company.employees.length} employees found`,
        );
        await page.screenshot({
          path: artifactPath(`connect-${viewport.name}-3-connected.png`),
          fullPage: true,
        });

        await page.goto(link.url);
        await expect(page.locator('h1').textContent()).resolves.toBe(
          'This link is no longer valid',
        );
        expect(blocked).toEqual([]);
      } finally {
        await context.close();
      }
    }, 60_000);
  }
});
