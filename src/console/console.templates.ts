/**
 * The console's pages, rendered on the server from rows: no JavaScript, no external assets
 * (one stylesheet from this gateway), every value escaped by the `html` tag. Pure functions of
 * their inputs, so they are tested without HTTP.
 */
import { renderRunChart, type ChartRun } from './console-chart';
import {
  type ApplicationRow,
  type ConnectionRow,
  type ConnectionsCursor,
  encodeConnectionsCursor,
  type DeliveryRow,
  type FailingEndpointRow,
  type RunRow,
} from './console.repository';
import { html, type SafeHtml } from './html';

export interface Flash {
  kind: 'ok' | 'error';
  text: string;
}

/** What every signed-in page needs besides its content. */
export interface Chrome {
  csrf: string;
  flash: Flash | null;
}

type Section = 'applications' | 'connections' | 'webhooks' | 'runs';

const when = (date: Date | null | undefined): SafeHtml =>
  date
    ? html`<time datetime="${date.toISOString()}"
        >${date.toISOString().replace('T', ' ').slice(0, 19)} UTC</time
      >`
    : html`<span class="muted">never</span>`;

const formatMs = (ms: number): string =>
  ms >= 60_000
    ? `${(ms / 60_000).toFixed(1)} min`
    : ms >= 1000
      ? `${(ms / 1000).toFixed(1)} s`
      : `${ms} ms`;

export function runDurationMs(run: Pick<RunRow, 'started_at' | 'finished_at'>): number | null {
  return run.started_at && run.finished_at
    ? new Date(run.finished_at).getTime() - new Date(run.started_at).getTime()
    : null;
}

export function runChanges(run: Pick<RunRow, 'counts'>): number {
  return Object.values(run.counts ?? {}).reduce(
    (sum, c) => sum + (c ? c.created + c.updated + c.deleted : 0),
    0,
  );
}

export interface Health {
  level: 'ok' | 'warn' | 'bad' | 'idle';
  text: string;
}

/** One word for how a connection is doing, from its status and its latest run. */
export function connectionHealth(c: ConnectionRow): Health {
  switch (c.status) {
    case 'pending':
      return { level: 'idle', text: 'waiting for credentials' };
    case 'invalid_credentials':
      return { level: 'bad', text: 'credentials refused' };
    case 'disabled':
      return { level: 'bad', text: 'disabled' };
    case 'paused':
      return { level: 'warn', text: 'paused' };
  }
  if (c.last_run?.status === 'needs_confirmation') {
    return { level: 'warn', text: 'deletions held back' };
  }
  if (c.consecutive_failures > 0) {
    return {
      level: 'bad',
      text: `${c.consecutive_failures} failed run${c.consecutive_failures === 1 ? '' : 's'} in a row`,
    };
  }
  if (!c.last_synced_at) return { level: 'idle', text: 'no successful run yet' };
  return { level: 'ok', text: 'healthy' };
}

const badge = (level: string, text: string, id?: string): SafeHtml =>
  html`<span class="badge badge-${level}" ${id ? html` id="${id}"` : ''}>${text}</span>`;

const runStatusLevel = (status: string): string =>
  status === 'succeeded'
    ? 'ok'
    : status === 'failed'
      ? 'bad'
      : status === 'needs_confirmation'
        ? 'warn'
        : 'idle';

const csrfField = (chrome: Chrome): SafeHtml =>
  html`<input type="hidden" name="csrf" value="${chrome.csrf}" />`;

function button(
  chrome: Chrome,
  action: string,
  label: string,
  id: string,
  extra: SafeHtml | string = '',
): SafeHtml {
  return html`<form method="post" action="${action}" class="inline">
    ${csrfField(chrome)}<button type="submit" id="${id}" ${extra}>${label}</button>
  </form>`;
}

function htmlDocument(title: string, body: SafeHtml, extraHead: SafeHtml | string = ''): string {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>${title} · HRIS Gateway console</title>
        <link rel="stylesheet" href="/console/assets/console.css" />
        ${extraHead}
      </head>
      <body>
        ${body}
      </body>
    </html> `.value;
}

function layout(
  chrome: Chrome,
  section: Section,
  title: string,
  content: SafeHtml,
  extraHead: SafeHtml | string = '',
): string {
  const link = (to: Section, href: string, label: string): SafeHtml =>
    html`<a href="${href}" ${to === section ? html` aria-current="page"` : ''}>${label}</a>`;
  const flash = chrome.flash
    ? html`<p
        class="flash flash-${chrome.flash.kind}"
        id="flash"
        role="${chrome.flash.kind === 'error' ? 'alert' : 'status'}"
      >
        ${chrome.flash.text}
      </p>`
    : '';
  return htmlDocument(
    title,
    html`<header class="top">
        <strong class="brand">HRIS Gateway · operator console</strong>
        <nav>
          ${link('applications', '/console/applications', 'Applications')}
          ${link('connections', '/console/connections', 'Connections')}
          ${link('webhooks', '/console/webhooks', 'Failing webhooks')}
        </nav>
        <form method="post" action="/console/logout" class="inline">
          ${csrfField(chrome)}<button type="submit" class="link" id="logout">Log out</button>
        </form>
      </header>
      <main>
        ${flash}
        <h1>${title}</h1>
        ${content}
      </main>`,
    extraHead,
  );
}

export function renderLogin(view: { csrf: string; error?: string }): string {
  return htmlDocument(
    'Log in',
    html`<main class="login">
      <h1>Operator console</h1>
      ${view.error ? html`<p class="flash flash-error" id="login-error" role="alert">${view.error}</p>` : ''}
      <form method="post" action="/console/login" autocomplete="off">
        <input type="hidden" name="csrf" value="${view.csrf}" />
        <label for="admin_token">Admin token</label>
        <input
          id="admin_token"
          name="admin_token"
          type="password"
          required
          maxlength="1000"
          spellcheck="false"
        />
        <button type="submit" id="login">Log in</button>
      </form>
      <p class="muted">The admin token is the gateway's ADMIN_TOKEN setting.</p>
    </main>`,
  );
}

export function renderMessage(title: string, message: string): string {
  return htmlDocument(
    title,
    html`<main class="login">
      <h1>${title}</h1>
      <p id="message">${message}</p>
    </main>`,
  );
}

export function renderApplications(chrome: Chrome, rows: ApplicationRow[]): string {
  const body = rows.length
    ? html`<table id="applications">
        <thead>
          <tr>
            <th>Name</th>
            <th>Client id</th>
            <th>Connections</th>
            <th>Connected</th>
            <th>Failing webhooks</th>
            <th>Created</th>
          </tr>
        </thead>
        <tbody>
          ${rows.map(
            (a) =>
              html`<tr data-application-id="${a.id}">
                <td>
                  <a href="/console/connections?application_id=${a.id}">${a.name}</a
                  >${a.disabled_at ? html` ${badge('bad', 'disabled')}` : ''}
                </td>
                <td><code>${a.client_id}</code></td>
                <td class="num">${a.connections}</td>
                <td class="num">${a.connected}</td>
                <td class="num">
                  ${a.failing_webhooks > 0 ? html`<a href="/console/webhooks">${a.failing_webhooks}</a>` : '0'}
                </td>
                <td>${when(a.created_at)}</td>
              </tr>`,
          )}
        </tbody>
      </table>`
    : html`<p class="muted">No applications yet. Create one with POST /v1/admin/applications.</p>`;
  return layout(chrome, 'applications', 'Applications', body);
}

export interface ConnectionsView {
  application: { id: string; name: string } | null;
  customerRef: string | undefined;
  /** A later page (a "first page" link is shown). */
  paged: boolean;
}

/** The connections list URL with these filters (and a page cursor). */
function connectionsUrl(view: ConnectionsView, after?: ConnectionsCursor): string {
  const query = new URLSearchParams();
  if (view.application) query.set('application_id', view.application.id);
  if (view.customerRef) query.set('customer_ref', view.customerRef);
  if (after) query.set('after', encodeConnectionsCursor(after));
  const text = query.toString();
  return text ? `/console/connections?${text}` : '/console/connections';
}

export function renderConnections(
  chrome: Chrome,
  page: { rows: ConnectionRow[]; next: ConnectionsCursor | null },
  view: ConnectionsView,
): string {
  const { rows } = page;
  const { application } = view;
  const filter = html`${
      application
        ? html`<p>
            Connections of <strong>${application.name}</strong>.
            <a href="/console/connections">Show all</a>
          </p>`
        : ''
    }
    <form method="get" action="/console/connections" id="connection-search">
      ${
        application
          ? html`<input type="hidden" name="application_id" value="${application.id}" />`
          : ''
      }
      <label
        >Customer reference starts with
        <input type="search" name="customer_ref" value="${view.customerRef ?? ''}" maxlength="200"
      /></label>
      <button type="submit">Search</button>
    </form>`;
  const pager = html`<p class="pager">
    ${view.paged ? html`<a id="first-page" href="${connectionsUrl(view)}">First page</a>` : ''}
    ${
      page.next
        ? html`<a id="next-page" href="${connectionsUrl(view, page.next)}">Older connections</a>`
        : ''
    }
  </p>`;
  const body = rows.length
    ? html`<table id="connections">
        <thead>
          <tr>
            <th>Customer</th>
            <th>Application</th>
            <th>Status</th>
            <th>Health</th>
            <th>Last run</th>
            <th>Next run</th>
            <th>Employees</th>
            <th>Absences</th>
          </tr>
        </thead>
        <tbody>
          ${rows.map((c) => {
            const health = connectionHealth(c);
            return html`<tr data-connection-id="${c.id}">
              <td><a href="/console/connections/${c.id}">${c.customer_ref}</a></td>
              <td>${c.application_name}</td>
              <td>${badge(statusLevel(c.status), c.status)}</td>
              <td>${badge(health.level, health.text)}</td>
              <td>
                ${c.last_run ? html`<a href="/console/runs/${c.last_run.id}">${c.last_run.status}</a> ${when(c.last_run.finished_at ?? c.last_run.queued_at)}` : html`<span class="muted">none</span>`}
              </td>
              <td>
                ${c.status === 'connected' ? when(c.next_sync_at) : html`<span class="muted">not scheduled</span>`}
              </td>
              <td class="num employees">${c.employees}</td>
              <td class="num absences">${c.absences}</td>
            </tr>`;
          })}
        </tbody>
      </table>`
    : html`<p class="muted">
        ${view.customerRef ? 'No connection matches this search.' : 'No connections.'}
      </p>`;
  return layout(chrome, 'connections', 'Connections', html`${filter}${body}${pager}`);
}

function statusLevel(status: string): string {
  return status === 'connected'
    ? 'ok'
    : status === 'paused' || status === 'pending'
      ? 'warn'
      : 'bad';
}

export function renderConnection(chrome: Chrome, c: ConnectionRow, runs: RunRow[]): string {
  const health = connectionHealth(c);
  const actions = [
    button(chrome, `/console/connections/${c.id}/sync`, 'Sync now', 'sync-now'),
    c.status === 'paused'
      ? button(chrome, `/console/connections/${c.id}/resume`, 'Resume', 'resume')
      : button(chrome, `/console/connections/${c.id}/pause`, 'Pause', 'pause'),
  ];
  const chartRuns: ChartRun[] = [...runs].reverse().map((r) => ({
    id: r.id,
    status: r.status,
    queuedAt: new Date(r.queued_at),
    durationMs: runDurationMs(r),
    changes: runChanges(r),
  }));
  const body = html`<dl class="facts">
      <dt>Application</dt>
      <dd>
        <a href="/console/connections?application_id=${c.application_id}">${c.application_name}</a>
      </dd>
      <dt>Connection id</dt>
      <dd><code>${c.id}</code></dd>
      <dt>Status</dt>
      <dd>
        ${badge(statusLevel(c.status), c.status, 'connection-status')}${c.status_reason ? html` <span class="muted">${c.status_reason}</span>` : ''}
      </dd>
      <dt>Health</dt>
      <dd>${badge(health.level, health.text, 'connection-health')}</dd>
      <dt>Credentials</dt>
      <dd>${c.has_credentials ? 'stored (encrypted)' : 'none'}</dd>
      <dt>Connected</dt>
      <dd>${when(c.connected_at)}</dd>
      <dt>Last successful sync</dt>
      <dd>${when(c.last_synced_at)}</dd>
      <dt>Next run</dt>
      <dd>
        ${c.status === 'connected' ? when(c.next_sync_at) : html`<span class="muted">not scheduled</span>`}
      </dd>
      <dt>Stored employees</dt>
      <dd id="employee-count">${c.employees}</dd>
      <dt>Stored absences</dt>
      <dd id="absence-count">${c.absences}</dd>
    </dl>
    <div class="actions">${actions}</div>
    <h2>Runs</h2>
    ${renderRunChart(chartRuns)} ${runsTable(runs)}`;
  return layout(chrome, 'connections', `Connection ${c.customer_ref}`, body);
}

function runsTable(runs: RunRow[]): SafeHtml {
  if (runs.length === 0) return html`<p class="muted">No runs yet.</p>`;
  return html`<table id="runs">
    <thead>
      <tr>
        <th>Queued</th>
        <th>Trigger</th>
        <th>By</th>
        <th>Status</th>
        <th>Duration</th>
        <th>Changes</th>
      </tr>
    </thead>
    <tbody>
      ${runs.map((r) => {
        const duration = runDurationMs(r);
        return html`<tr data-run-id="${r.id}">
          <td><a href="/console/runs/${r.id}">${when(new Date(r.queued_at))}</a></td>
          <td>${r.trigger}</td>
          <td>${r.actor?.name ?? r.actor?.email ?? ''}</td>
          <td>${badge(runStatusLevel(r.status), r.status)}</td>
          <td class="num">${duration === null ? '' : formatMs(duration)}</td>
          <td class="num">${runChanges(r)}</td>
        </tr>`;
      })}
    </tbody>
  </table>`;
}

export function renderRun(chrome: Chrome, r: RunRow): string {
  const active = r.status === 'queued' || r.status === 'running';
  const duration = runDurationMs(r);
  const counts = Object.entries(r.counts ?? {});
  const guard = r.deletion_guard;
  const confirmable = r.status === 'needs_confirmation' && !r.confirmed_at;
  const body = html`<dl class="facts">
      <dt>Connection</dt>
      <dd>
        <a href="/console/connections/${r.connection_id}">${r.customer_ref}</a> ·
        ${r.application_name}
      </dd>
      <dt>Run id</dt>
      <dd><code>${r.id}</code></dd>
      <dt>Status</dt>
      <dd>
        ${badge(runStatusLevel(r.status), r.status, 'run-status')}${active ? html` <span class="muted">(this page refreshes every 2 s)</span>` : ''}
      </dd>
      <dt>Trigger</dt>
      <dd>${r.trigger}${r.actor ? html` by ${r.actor.name ?? r.actor.email ?? ''}` : ''}</dd>
      <dt>Queued</dt>
      <dd>${when(new Date(r.queued_at))}</dd>
      <dt>Started</dt>
      <dd>${when(r.started_at && new Date(r.started_at))}</dd>
      <dt>Finished</dt>
      <dd>${when(r.finished_at && new Date(r.finished_at))}</dd>
      <dt>Duration</dt>
      <dd id="run-duration">${duration === null ? '' : formatMs(duration)}</dd>
      <dt>Progress</dt>
      <dd id="run-progress">
        ${r.progress?.resource ?? 'done or not started'} · ${r.progress?.pages ?? 0} pages ·
        ${r.progress?.records ?? 0} records read
      </dd>
      ${
        r.requests
          ? html`<dt>Personio requests</dt>
              <dd>
                ${r.requests.made} made · ${r.requests.retries} retries ·
                ${r.requests.rate_limit_waits} rate-limit waits
              </dd>`
          : ''
      }
      ${
        r.worker_id
          ? html`<dt>Worker</dt>
              <dd><code>${r.worker_id}</code></dd>`
          : ''
      }
      ${
        r.confirms_run_id
          ? html`<dt>Confirms</dt>
              <dd><a href="/console/runs/${r.confirms_run_id}">the held run</a></dd>`
          : ''
      }
      ${
        r.follow_up_run_id
          ? html`<dt>Follow-up run</dt>
              <dd>
                <a href="/console/runs/${r.follow_up_run_id}" id="follow-up"
                  >${r.follow_up_run_id}</a
                >
              </dd>`
          : ''
      }
    </dl>
    ${
      r.error
        ? html`<section class="flash flash-error" id="run-error">
            <h2>Error: ${r.error.code}</h2>
            <p>${r.error.message}</p>
          </section>`
        : ''
    }
    ${
      guard
        ? html`<section class="flash flash-warn" id="deletion-guard">
            <h2>Deletions held back</h2>
            <p>
              This run would delete ${guard.deleting} of ${guard.live} ${guard.resource}
              (${Math.round(guard.share * 100)}%, above the ${Math.round(guard.threshold * 100)}%
              threshold). Nothing was written.
            </p>
            ${confirmable ? button(chrome, `/console/runs/${r.id}/confirm`, 'Confirm the deletions and sync again', 'confirm-run') : r.confirmed_at ? html`<p>Confirmed ${when(new Date(r.confirmed_at))}.</p>` : ''}
          </section>`
        : ''
    }
    ${
      r.warnings?.length
        ? html`<h2>Warnings</h2>
            <ul id="run-warnings">
              ${r.warnings.map((w) => html`<li>${w}</li>`)}
            </ul>`
        : ''
    }
    <h2>Counts</h2>
    ${
      counts.length
        ? html`<table id="run-counts">
            <thead>
              <tr>
                <th>Resource</th>
                <th>Created</th>
                <th>Updated</th>
                <th>Deleted</th>
                <th>Unchanged</th>
              </tr>
            </thead>
            <tbody>
              ${counts.map(
                ([resource, c]) =>
                  html`<tr data-resource="${resource}">
                    <td>${resource}</td>
                    <td class="num">${c?.created ?? 0}</td>
                    <td class="num">${c?.updated ?? 0}</td>
                    <td class="num">${c?.deleted ?? 0}</td>
                    <td class="num">${c?.unchanged ?? 0}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
        : html`<p class="muted">No counts yet.</p>`
    }`;
  return layout(
    chrome,
    'runs',
    'Sync run',
    body,
    active ? html`<meta http-equiv="refresh" content="2" /> ` : '',
  );
}

function deliveryRows(chrome: Chrome, endpoint: FailingEndpointRow, d: DeliveryRow): SafeHtml {
  const attempts = d.attempt_log.length
    ? html`<ol class="attempts">
        ${d.attempt_log.map(
          (a) =>
            html`<li class="attempt">
              ${when(new Date(a.attempted_at))} ·
              ${a.status_code === null ? html`<strong>no answer</strong>` : html`<strong>HTTP ${a.status_code}</strong>`}
              · ${a.duration_ms}
              ms${a.error ? html` · ${a.error}` : ''}${a.response_excerpt ? html` · <code>${a.response_excerpt.slice(0, 200)}</code>` : ''}
            </li>`,
        )}
      </ol>`
    : html`<span class="muted">not attempted yet</span>`;
  const retry =
    d.status !== 'succeeded'
      ? button(
          chrome,
          `/console/webhooks/${endpoint.id}/deliveries/${d.id}/retry`,
          'Retry now',
          `retry-${d.id}`,
          html` class="retry-delivery" data-delivery-id="${d.id}"`,
        )
      : '';
  return html`<tr data-delivery-id="${d.id}">
    <td>
      ${d.event_type}${d.replay ? ' (replay)' : ''}<br /><span class="muted">#${d.sequence}</span>
    </td>
    <td>
      ${badge(d.status === 'succeeded' ? 'ok' : d.status === 'failed' ? 'bad' : 'warn', d.status)}
    </td>
    <td class="num attempt-count">${d.attempts} / ${d.max_attempts}</td>
    <td>${d.status === 'pending' ? when(new Date(d.next_attempt_at)) : ''}</td>
    <td>${attempts}</td>
    <td>${retry}</td>
  </tr>`;
}

export function renderWebhooks(chrome: Chrome, endpoints: FailingEndpointRow[]): string {
  const body = endpoints.length
    ? html`${endpoints.map(
        (e) =>
          html`<section class="endpoint" data-endpoint-id="${e.id}">
            <h2><code>${e.url}</code></h2>
            <p>
              ${e.application_name}${e.description ? html` · ${e.description}` : ''} ·
              ${
                e.enabled
                  ? badge('warn', 'enabled, failing')
                  : badge('bad', `disabled${e.disabled_reason ? ` (${e.disabled_reason})` : ''}`)
              }
              · failing since ${when(e.failing_since)} ·
              <span class="pending-count">${e.pending} deliveries pending</span>
            </p>
            ${
              e.deliveries.length
                ? html`<table class="deliveries">
                    <thead>
                      <tr>
                        <th>Event</th>
                        <th>Status</th>
                        <th>Attempts</th>
                        <th>Next attempt</th>
                        <th>Recent attempts</th>
                        <th></th>
                      </tr>
                    </thead>
                    <tbody>
                      ${e.deliveries.map((d) => deliveryRows(chrome, e, d))}
                    </tbody>
                  </table>`
                : html`<p class="muted">No delivery attempted yet.</p>`
            }
          </section>`,
      )}`
    : html`<p class="muted" id="no-failing-webhooks">
        No webhook endpoint is failing or disabled.
      </p>`;
  return layout(chrome, 'webhooks', 'Failing webhook endpoints', body);
}

export const CONSOLE_CSS = `*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f4f5f7;color:#1d2433}
.top{display:flex;flex-wrap:wrap;gap:1rem;align-items:center;padding:.75rem 1.25rem;background:#1d2433;color:#fff}
.top a{color:#cdd6f4;text-decoration:none;margin-right:1rem}
.top a[aria-current=page]{color:#fff;text-decoration:underline}
.top nav{flex:1}
.brand{margin-right:1rem}
main{max-width:72rem;margin:1.5rem auto;background:#fff;border-radius:10px;padding:1.25rem 1.5rem;box-shadow:0 1px 3px rgba(0,0,0,.12);overflow-x:auto}
main.login{max-width:28rem}
h1{margin:0 0 1rem;font-size:1.4rem}
h2{font-size:1.1rem;margin:1.5rem 0 .5rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0}
th,td{text-align:left;padding:.4rem .5rem;border-bottom:1px solid #e3e6ec;vertical-align:top}
th{font-size:.85rem;color:#5b6478}
td.num{text-align:right;font-variant-numeric:tabular-nums}
code{font-family:ui-monospace,monospace;font-size:.85rem;word-break:break-all}
.muted{color:#5b6478}
.badge{display:inline-block;padding:.05rem .5rem;border-radius:999px;font-size:.8rem;font-weight:600}
.badge-ok{background:#e6f4ea;color:#137333}
.badge-warn{background:#fef7e0;color:#8a5a00}
.badge-bad{background:#fdecea;color:#b3261e}
.badge-idle{background:#eceff4;color:#3c4356}
.flash{padding:.6rem .9rem;border-radius:6px;border-left:4px solid}
.flash-ok{background:#e6f4ea;border-color:#188038}
.flash-error{background:#fdecea;border-color:#d93025}
.flash-warn{background:#fef7e0;border-color:#f9ab00}
.facts{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem}
.facts dt{color:#5b6478}
.facts dd{margin:0}
.actions{margin:1rem 0;display:flex;gap:.5rem;flex-wrap:wrap}
form.inline{display:inline}
button{padding:.45rem 1rem;border:0;border-radius:6px;background:#2f5bea;color:#fff;font:inherit;font-weight:600;cursor:pointer}
button.link{background:none;color:#cdd6f4;padding:0;font-weight:400;text-decoration:underline}
label{display:block;margin-top:1rem;font-weight:600}
input[type=password]{width:100%;padding:.55rem .7rem;border:1px solid #c4c9d4;border-radius:6px;font:inherit;margin-bottom:1rem}
ol.attempts{margin:0;padding-left:1.1rem;font-size:.85rem}
.endpoint{border-top:1px solid #e3e6ec;margin-top:1rem}
#run-chart{max-width:720px;display:block;margin:.5rem 0}
#run-chart .axis{stroke:#8a93a6;stroke-width:1}
#run-chart .label{font-size:11px;fill:#5b6478}
#run-chart .label-changes{fill:#b3261e}
#run-chart .bar{fill:#2f5bea}
#run-chart .bar-failed{fill:#d93025}
#run-chart .bar-needs_confirmation{fill:#f9ab00}
#run-chart .changes{fill:none;stroke:#b3261e;stroke-width:1.5}
#run-chart .point{fill:#fff;stroke:#b3261e;stroke-width:2}
.legend{font-size:.85rem;color:#5b6478}
.key{display:inline-block;width:.8rem;height:.8rem;border-radius:2px;vertical-align:middle;margin-left:.5rem}
.key-duration{background:#2f5bea}
.key-changes{border:2px solid #b3261e;border-radius:50%}
@media (max-width:600px){main{margin:0;border-radius:0;padding:1rem}}
`;
