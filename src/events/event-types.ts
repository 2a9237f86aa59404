/** Every event type the gateway emits (DESIGN.md "Events and webhooks"). */
export const EVENT_TYPES = [
  'employee.created',
  'employee.updated',
  'employee.deleted',
  /** Effective-date events: emitted on the day a hire or termination date arrives. */
  'employee.started',
  'employee.terminated',
  'team.created',
  'team.updated',
  'team.deleted',
  'position.created',
  'position.updated',
  'position.deleted',
  'reporting_line.changed',
  'absence.created',
  'absence.updated',
  'absence.deleted',
  'connection.connected',
  'connection.sync_completed',
  'connection.sync_failed',
  'connection.paused',
  'connection.resumed',
  'connection.deleted',
  'sync_run.needs_confirmation',
  /** The application's own event (no connection): one of its endpoints stopped receiving. */
  'webhook_endpoint.disabled',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];
