/**
 * `sync run <connection-id>`: queue a manual run and follow it to its end with a progress
 * display on stderr; exits non-zero unless it succeeded. `runs list`: recent runs.
 */
import { type components } from '../../../openapi/generated/hris-gateway';
import { type CommandContext, type CommandSpec } from '../command';
import { OperationFailedError } from '../errors';
import { orDash, table } from '../output';
import { ProgressReporter } from '../progress';
import { PAGE_OPTIONS, nextPageHint, pageQuery } from './paging';

type SyncRun = components['schemas']['SyncRun'];
type ResourceCounts = components['schemas']['ResourceCounts'];

const FINISHED = new Set(['succeeded', 'failed', 'needs_confirmation']);

const changes = (counts: ResourceCounts): number =>
  counts.created + counts.updated + counts.deleted;

const seconds = (ms: number | null): string => (ms === null ? '-' : `${(ms / 1000).toFixed(1)} s`);

function summary(run: SyncRun): string {
  const lines = [
    `Run ${run.id} ${run.status.replace('_', ' ')} after ${seconds(run.duration_ms)}.`,
  ];
  const rows = Object.entries(run.counts).map(([resource, c]) => [
    resource,
    String(c.created),
    String(c.updated),
    String(c.deleted),
    String(c.unchanged),
  ]);
  if (rows.length)
    lines.push(table(['RESOURCE', 'CREATED', 'UPDATED', 'DELETED', 'UNCHANGED'], rows));
  if (run.requests) {
    lines.push(
      `Personio requests: ${run.requests.made} made, ${run.requests.retries} retried, ${run.requests.throttled} throttled`,
    );
  }
  for (const warning of run.warnings) lines.push(`warning: ${warning}`);
  return lines.join('\n');
}

/** Why a run that ended without succeeding did so, and what to do next. */
function failureMessage(run: SyncRun): string {
  if (run.status === 'failed') {
    return `sync run ${run.id} failed: ${run.error?.code ?? 'unknown'}: ${run.error?.message ?? 'no reason given'}`;
  }
  const guard = run.deletion_guard;
  const held = guard
    ? ` (${guard.deleting} of ${guard.live} ${guard.resource}, ${Math.round(guard.share * 100)}% > ${Math.round(guard.threshold * 100)}%)`
    : '';
  return `sync run ${run.id} held back a mass deletion${held}; nothing was deleted. Confirm it with POST /v1/sync-runs/${run.id}/confirm`;
}

async function follow(
  context: CommandContext,
  first: SyncRun,
  pollMs: number,
  timeoutMs: number,
): Promise<SyncRun> {
  const { gateway, io } = context;
  const sleep =
    io.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const reporter = new ProgressReporter(io.stderr);
  const deadline = Date.now() + timeoutMs;
  let run = first;
  try {
    for (;;) {
      reporter.update(run);
      if (FINISHED.has(run.status)) return run;
      if (Date.now() > deadline) {
        throw new OperationFailedError(
          `sync run ${run.id} is still ${run.status} after ${timeoutMs / 1000} s; it goes on in the gateway (see: hris-gateway runs list --connection ${run.connection_id})`,
        );
      }
      await sleep(pollMs);
      run = (await gateway.get<SyncRun>(`/v1/sync-runs/${encodeURIComponent(run.id)}`)).body;
    }
  } finally {
    reporter.finish();
  }
}

export const syncRun: CommandSpec = {
  group: 'sync',
  action: 'run',
  summary: 'Sync a connection now and follow the run to its end',
  arguments: [{ name: 'connection-id', description: 'The connection to sync' }],
  auth: 'application',
  options: {
    'actor-name': {
      type: 'string',
      value: '<name>',
      description: 'Who asked for the run (kept on the run)',
    },
    'actor-email': {
      type: 'string',
      value: '<email>',
      description: 'Their email (kept on the run)',
    },
    'poll-ms': {
      type: 'string',
      value: '<ms>',
      description: 'How often to check the run, 50-60000 (default 500)',
    },
    timeout: {
      type: 'string',
      value: '<seconds>',
      description: 'Stop following after this long, 1-86400 (default 3600); the run goes on',
    },
  },
  details:
    'Exit code 0 when the run succeeded; 1 when it failed, held back a mass deletion or outlasted --timeout.\n' +
    'Progress goes to stderr: a bar on a terminal, one line per phase otherwise.',
  async run(context) {
    const { input, gateway, output } = context;
    const connectionId = input.argument('connection-id');
    const pollMs = input.integer('poll-ms', { min: 50, max: 60_000 }) ?? 500;
    const timeoutMs = (input.integer('timeout', { min: 1, max: 86_400 }) ?? 3600) * 1000;
    const name = input.string('actor-name');
    const email = input.string('actor-email');
    const actor = name !== undefined || email !== undefined ? { actor: { name, email } } : {};
    const queued = await gateway.post<SyncRun>('/v1/sync-runs', {
      connection_id: connectionId,
      ...actor,
    });
    output.note(
      queued.status === 200
        ? `A run was already ${queued.body.status} for this connection; following run ${queued.body.id}.`
        : `Queued run ${queued.body.id}.`,
    );
    const run = await follow(context, queued.body, pollMs, timeoutMs);
    output.result(run, () => summary(run));
    if (run.status !== 'succeeded') throw new OperationFailedError(failureMessage(run));
    return 0;
  },
};

export const runsList: CommandSpec = {
  group: 'runs',
  action: 'list',
  summary: 'List sync runs, newest first',
  arguments: [],
  auth: 'application',
  options: {
    connection: {
      type: 'string',
      value: '<connection-id>',
      description: "Only this connection's runs",
    },
    status: {
      type: 'string',
      value: '<status>',
      description: 'Only this status: queued, running, succeeded, failed, needs_confirmation',
    },
    trigger: {
      type: 'string',
      value: '<trigger>',
      description: 'Only this trigger: schedule, manual, connect',
    },
    ...PAGE_OPTIONS,
  },
  async run({ input, gateway, output }) {
    const { body: page } = await gateway.get<components['schemas']['SyncRunList']>(
      '/v1/sync-runs',
      {
        ...pageQuery(input),
        connection_id: input.string('connection'),
        status: input.string('status'),
        trigger: input.string('trigger'),
      },
    );
    output.result(page, () =>
      page.data.length === 0
        ? 'No sync runs.'
        : table(
            ['ID', 'CONNECTION', 'TRIGGER', 'STATUS', 'QUEUED', 'DURATION', 'CHANGES', 'ERROR'],
            page.data.map((run) => [
              run.id,
              run.connection_id,
              run.trigger,
              run.status,
              run.queued_at,
              seconds(run.duration_ms),
              String(Object.values(run.counts).reduce((sum, c) => sum + changes(c), 0)),
              orDash(run.error?.code),
            ]),
          ),
    );
    nextPageHint(output, page.next_cursor);
    return 0;
  },
};
