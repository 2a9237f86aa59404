/**
 * The connect page's HTML, rendered on the server: no JavaScript needed, no external assets
 * (one stylesheet from this gateway), every dynamic value escaped. Pure functions of a view
 * model, so they can be tested without HTTP.
 */

import { escapeHtml } from '../common/html/escape-html';

export interface FormView {
  applicationName: string;
  logoText: string;
  /** Unified fields the application needs, in words ("work email", "team"). */
  requiredFields: string[];
  csrf: string;
  clientId?: string;
  error?: { title: string; lines: string[] };
  /** Tries left before the link locks, shown after a failed try. */
  attemptsLeft?: number;
}

export interface SuccessView {
  applicationName: string;
  logoText: string;
  employeesFound: number;
  employeesCountComplete: boolean;
  continueUrl?: string;
}

const layout = (title: string, body: string, extraHead = ''): string => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="/assets/connect.css">
${extraHead}</head>
<body>
<main class="card">
${body}
</main>
<footer>Secured by HRIS Gateway. Your credentials are encrypted and never shown again.</footer>
</body>
</html>
`;

const header = (logoText: string, applicationName: string, heading: string): string => `<header>
  <div class="logo" aria-hidden="true">${escapeHtml(logoText)}</div>
  <div><p class="eyebrow">${escapeHtml(applicationName)}</p><h1>${escapeHtml(heading)}</h1></div>
</header>`;

export function renderForm(view: FormView): string {
  const error = view.error
    ? `<section class="alert" role="alert" id="error">
  <h2>${escapeHtml(view.error.title)}</h2>
  <ul>${view.error.lines.map((line) => `<li>${escapeHtml(line)}</li>`).join('')}</ul>
  ${view.attemptsLeft !== undefined ? `<p>${view.attemptsLeft} ${view.attemptsLeft === 1 ? 'try' : 'tries'} left before this link locks.</p>` : ''}
</section>`
    : '';
  const fields = view.requiredFields.length
    ? `<p>${escapeHtml(view.applicationName)} needs these employee attributes to be readable:</p>
  <ul class="fields" id="required-attributes">${view.requiredFields.map((f) => `<li>${escapeHtml(f)}</li>`).join('')}</ul>`
    : '';
  return layout(
    `Connect Personio to ${view.applicationName}`,
    `${header(view.logoText, view.applicationName, 'Connect your Personio account')}
${error}
<p>${escapeHtml(view.applicationName)} asks to read HR data from your company's Personio account.
An admin of that account creates API credentials for it and enters them here.</p>
<details open>
  <summary>How to create the credentials in Personio</summary>
  <ol>
    <li>In Personio, open <strong>Settings &rsaquo; Integrations &rsaquo; API credentials</strong>.</li>
    <li>Click <strong>Generate new credential</strong> (in the newer interface: <strong>Create custom integration</strong>) and name it after ${escapeHtml(view.applicationName)}.</li>
    <li>Give it <strong>read</strong> access to <strong>Employees</strong>, <strong>Absences</strong> and <strong>Org units</strong>.</li>
    <li>Under <strong>Readable employee attributes</strong>, tick the attributes listed below.</li>
    <li>Save, then copy the <strong>Client ID</strong> and the <strong>Client Secret</strong> (Personio shows the secret only once).</li>
  </ol>
  ${fields}
</details>
<form method="post" autocomplete="off" novalidate>
  <input type="hidden" name="csrf" value="${escapeHtml(view.csrf)}">
  <label for="client_id">Client ID</label>
  <input id="client_id" name="client_id" type="text" required maxlength="500" spellcheck="false" value="${escapeHtml(view.clientId ?? '')}">
  <label for="client_secret">Client Secret</label>
  <input id="client_secret" name="client_secret" type="password" required maxlength="500" spellcheck="false">
  <button type="submit">Connect</button>
</form>`,
  );
}

export function renderSuccess(view: SuccessView): string {
  const count = `${view.employeesCountComplete ? '' : 'at least '}${view.employeesFound}`;
  const next = view.continueUrl
    ? `<p><a class="button" id="continue" href="${escapeHtml(view.continueUrl)}">Continue to ${escapeHtml(view.applicationName)}</a></p>`
    : '<p>You can close this page.</p>';
  return layout(
    `Connected to ${view.applicationName}`,
    `${header(view.logoText, view.applicationName, 'Connected')}
<section class="success" role="status" id="connected">
  <p><strong>Personio is connected.</strong> ${escapeHtml(count)} employees found.</p>
  <p>${escapeHtml(view.applicationName)} will receive your HR data shortly. This link has now been used and no longer works.</p>
</section>
${next}`,
    view.continueUrl
      ? `<meta http-equiv="refresh" content="5;url=${escapeHtml(view.continueUrl)}">\n`
      : '',
  );
}

/** The same page for unknown, expired, used and locked links: nothing tells them apart. */
export function renderGone(): string {
  return layout(
    'Link no longer valid',
    `<h1>This link is no longer valid</h1>
<p>Connect links work once and for a limited time. Ask the product that sent it for a new one.</p>`,
  );
}

export function renderMessage(title: string, message: string): string {
  return layout(title, `<h1>${escapeHtml(title)}</h1>\n<p>${escapeHtml(message)}</p>`);
}

export const CONNECT_CSS = `*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f4f5f7;color:#1d2433}
.card{max-width:40rem;margin:2rem auto;background:#fff;border-radius:12px;padding:1.5rem 1.75rem;box-shadow:0 1px 3px rgba(0,0,0,.12)}
header{display:flex;gap:1rem;align-items:center;margin-bottom:1rem}
.logo{min-width:3.5rem;height:3.5rem;border-radius:10px;background:#2f5bea;color:#fff;display:flex;align-items:center;justify-content:center;font-weight:700;padding:0 .5rem}
.eyebrow{margin:0;color:#5b6478;font-size:.9rem}
h1{margin:0;font-size:1.5rem}
h2{margin:0 0 .5rem;font-size:1.1rem}
details{margin:1rem 0;padding:.75rem 1rem;background:#f7f8fb;border-radius:8px}
summary{cursor:pointer;font-weight:600}
ol,ul{padding-left:1.25rem}
.fields li{font-family:ui-monospace,monospace;font-size:.9rem}
label{display:block;margin-top:1rem;font-weight:600}
input[type=text],input[type=password]{width:100%;padding:.6rem .7rem;border:1px solid #c4c9d4;border-radius:6px;font:inherit}
button,.button{display:inline-block;margin-top:1.25rem;padding:.7rem 1.4rem;border:0;border-radius:6px;background:#2f5bea;color:#fff;font:inherit;font-weight:600;text-decoration:none;cursor:pointer}
.alert{border-left:4px solid #d93025;background:#fdecea;padding:.75rem 1rem;border-radius:6px}
.success{border-left:4px solid #188038;background:#e6f4ea;padding:.75rem 1rem;border-radius:6px}
footer{text-align:center;color:#5b6478;font-size:.8rem;margin:1rem}
@media (max-width:480px){.card{margin:0;border-radius:0;padding:1.25rem}header{flex-direction:row}}
`;
