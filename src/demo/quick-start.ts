/**
 * The quick start `npm start` prints in demo mode: every value a newcomer needs, and commands
 * that work when pasted (the demo boot test runs them as printed). Demo only: it shows secrets
 * of the demo application and sandbox on the terminal by design, never in logs.
 */
import { DEMO_APPLICATION, type DemoQuickStart } from './demo-setup';

const q = (value: string): string => `'${value.replace(/'/g, `'\\''`)}'`;

export function renderQuickStart(demo: DemoQuickStart): string {
  const base = demo.publicUrl;
  const tokenCommand =
    `TOKEN=$(curl -s -X POST ${base}/v1/oauth/token -d grant_type=client_credentials ` +
    `-d client_id=${q(demo.clientId)} -d client_secret=${q(demo.clientSecret)} ` +
    `-d connection_id=${demo.connectionId} | node -pe 'JSON.parse(require("fs").readFileSync(0)).access_token')`;
  const connected = demo.connectionStatus === 'connected';
  return [
    '',
    '──────────────────────────────────────────────────────────────────────────────',
    ` HRIS Gateway demo is running on ${base}`,
    '──────────────────────────────────────────────────────────────────────────────',
    ` Admin token (admin API, ${base}/console):`,
    `   ${demo.adminToken}`,
    ` Demo application "${DEMO_APPLICATION}": client_id ${demo.clientId}`,
    `   client_secret ${demo.clientSecret}   (new on every start)`,
    '',
    ` 1. Connect the built-in Personio sandbox (${demo.personio.employees} people)${connected ? ' - already connected; the link reconnects' : ''}:`,
    `    open   ${demo.connectUrl}`,
    `    paste  Client ID     ${demo.personio.clientId}`,
    `           Client secret ${demo.personio.clientSecret}`,
    '',
    ' 2. Watch verified webhook deliveries (another terminal):',
    `    WEBHOOK_SECRET=${q(demo.webhookSecret)} npm run demo:receiver`,
    '',
    ' 3. Read the data (a terminal):',
    `    ${tokenCommand}`,
    `    curl -s "${base}/v1/hris/employees?limit=3" -H "Authorization: Bearer $TOKEN"`,
    `    curl -s "${base}/v1/hris/absences?limit=3" -H "Authorization: Bearer $TOKEN"`,
    '',
    ` API reference: ${base}/docs    Metrics: ${base}/metrics`,
    '──────────────────────────────────────────────────────────────────────────────',
    '',
  ].join('\n');
}
