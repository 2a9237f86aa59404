/**
 * The five first customers as data: the request bodies each product sends to the gateway. The
 * scenario specs send exactly these bodies, and recipes-doc.spec.ts checks that every JSON block
 * of docs/scenarios.md equals the value named in its marker, so the documented recipes are
 * always ones the real API accepted.
 *
 * Two values are placeholders the specs replace: a webhook body's `url` (the product's own
 * receiver; the specs use a loopback one) and `$CONNECTION_ID` (known once the customer connected).
 */
import { type Scope } from '../../../src/auth/scopes';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** POST /v1/admin/applications */
export interface ApplicationBody {
  name: string;
  logo_text: string;
  scopes: Scope[];
  required_attributes: string[];
  default_settings: { [key: string]: Json };
}

export interface Recipe {
  application: ApplicationBody;
  /** POST /v1/connect/sessions: the customer and its own settings (over the defaults). */
  connect_session: { customer_ref: string; settings: { [key: string]: Json } };
  /** POST /v1/webhooks, when the product listens for pushes. */
  webhook?: { url: string; event_types: string[]; description: string };
}

/** Expense tool: everyone active gets an expense account within one 15-minute poll. */
export const expense = {
  application: {
    name: 'Expense tool',
    logo_text: 'Expenses',
    scopes: [
      'connections:write',
      'hris.employees:read',
      'sync:write',
      'webhooks:write',
      'events:read',
    ],
    required_attributes: ['first_name', 'last_name', 'email', 'status'],
    default_settings: { schedule: 'PT15M', resources: ['employees'] },
  },
  connect_session: {
    customer_ref: 'acme-expenses',
    settings: { scope: { statuses: ['active'] } },
  },
  webhook: {
    url: 'https://expenses.example.com/hris/webhooks',
    event_types: ['employee.created', 'employee.updated', 'employee.deleted', 'connection.*'],
    description: 'Open, update and close expense accounts',
  },
} satisfies Recipe;

/** Benefits tool: once a day, only people the customer marked "Alleo: Yes", with their budget. */
export const benefits = {
  application: {
    name: 'Benefits tool',
    logo_text: 'Benefits',
    scopes: ['connections:write', 'hris.employees:read', 'sync:write', 'events:read'],
    required_attributes: ['first_name', 'last_name', 'email', 'status', 'custom:Alleo'],
    default_settings: { schedule: 'P1D', resources: ['employees'] },
  },
  connect_session: {
    customer_ref: 'acme-benefits',
    settings: {
      scope: { statuses: ['active'], attribute_rule: { attribute: 'Alleo', equals: ['Yes'] } },
      field_mapping: { budget: 'Budget' },
    },
  },
} satisfies Recipe;

/** Learning platform: daily at 04:00 UTC, teams by department and by supervisor. */
export const learning = {
  application: {
    name: 'Learning platform',
    logo_text: 'Learning',
    scopes: [
      'connections:write',
      'hris.employees:read',
      'hris.teams:read',
      'hris.positions:read',
      'sync:write',
      'webhooks:write',
      'events:read',
    ],
    required_attributes: [
      'job_title',
      'manager_id',
      'team_id',
      'department_id',
      'office',
      'employment_type',
    ],
    default_settings: { schedule: '0 4 * * *', resources: ['employees', 'teams', 'positions'] },
  },
  connect_session: {
    customer_ref: 'acme-learning',
    settings: { scope: { employment_types: ['internal'] } },
  },
  webhook: {
    url: 'https://learning.example.com/hris/owner-alerts',
    event_types: ['connection.*'],
    description: "Tell the customer's owner when syncing stops",
  },
} satisfies Recipe;

/** PATCH /v1/connections/{id}: the learning customer also wants its external staff trained. */
export const learningIncludeExternals = {
  settings: { scope: { employment_types: ['internal', 'external'] } },
};

/** POST /v1/sync-runs: a run someone started from the learning platform's admin screen. */
export const learningManualRun = {
  connection_id: '$CONNECTION_ID',
  actor: { name: 'Maria Schmidt', email: 'maria.schmidt@acme.example' },
};

/** Project planner: hourly absences in a -14/+180 day window, users linked by email. */
export const planner = {
  application: {
    name: 'Project planner',
    logo_text: 'Planner',
    scopes: [
      'connections:write',
      'hris.employees:read',
      'hris.absences:read',
      'sync:write',
      'events:read',
    ],
    required_attributes: ['first_name', 'last_name', 'email', 'absences'],
    default_settings: {
      schedule: 'PT1H',
      resources: ['employees', 'absences'],
      absences: { days_back: 14, days_ahead: 180 },
    },
  },
  connect_session: {
    customer_ref: 'acme-planner',
    settings: { scope: { statuses: ['active', 'onboarding', 'leave'] } },
  },
} satisfies Recipe;

/** POST /v1/hris/employees/match: the planner's users, to link to people by email. */
export const plannerMatch = {
  emails: ['Jane.Doe@acme.example', 'john.smith@acme.example', 'freelancer@studio.example'],
};

/** Feedback tool: everyone, with or without email, with roles, teams and managers. */
export const feedback = {
  application: {
    name: 'Feedback tool',
    logo_text: 'Feedback',
    scopes: [
      'connections:write',
      'hris.employees:read',
      'hris.teams:read',
      'hris.positions:read',
      'hris.reporting_lines:read',
      'sync:write',
      'events:read',
    ],
    required_attributes: ['first_name', 'last_name', 'job_title', 'team_id', 'manager_id'],
    default_settings: { schedule: 'PT6H', resources: ['employees', 'teams', 'positions'] },
  },
  connect_session: {
    customer_ref: 'acme-feedback',
    settings: { scope: { statuses: ['active'] } },
  },
} satisfies Recipe;

/** Every value docs/scenarios.md shows, by the name its markers use. */
export const DOCUMENTED: Record<string, unknown> = {
  'expense.application': expense.application,
  'expense.connect_session': expense.connect_session,
  'expense.webhook': expense.webhook,
  'benefits.application': benefits.application,
  'benefits.connect_session': benefits.connect_session,
  'learning.application': learning.application,
  'learning.connect_session': learning.connect_session,
  'learning.webhook': learning.webhook,
  'learning.include_externals': learningIncludeExternals,
  'learning.manual_run': learningManualRun,
  'planner.application': planner.application,
  'planner.connect_session': planner.connect_session,
  'planner.match': plannerMatch,
  'feedback.application': feedback.application,
  'feedback.connect_session': feedback.connect_session,
};
