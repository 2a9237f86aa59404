/**
 * Every scope a token can carry. An application is granted a subset; a token never holds more
 * than its application was granted.
 */
export const SCOPES = [
  'connections:write',
  'hris.employees:read',
  'hris.teams:read',
  'hris.positions:read',
  'hris.reporting_lines:read',
  'hris.absences:read',
  'sync:write',
  'webhooks:write',
  'events:read',
] as const;

export type Scope = (typeof SCOPES)[number];
