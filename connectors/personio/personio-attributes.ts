/**
 * Owns the translation between unified fields and what a Personio credential must be allowed to
 * read: which employee attribute feeds each unified field, which access right each object needs,
 * and the sentence an admin reads when something is missing (naming Personio's own setting).
 * Pure functions over the attribute list `/v1/company/employees/attributes` returns.
 */
import type { AttributeReport, MissingAttribute, ReadableAttribute } from '../connector';
import { resolveCustomAttribute, type CustomAttributeDefinition } from '../unified';
import type { V1AttributeDefinition } from './personio-raw.types';

const SETTING = 'In Personio, open Settings > Integrations > API credentials, edit this credential';

/** Unified employee field -> Personio attribute keys (all needed) with the labels admins see. */
const FIELD_SOURCES: Record<string, ReadonlyArray<readonly [key: string, label: string]>> = {
  first_name: [['first_name', 'First name']],
  last_name: [['last_name', 'Last name']],
  preferred_name: [['preferred_name', 'Name (preferred)']],
  display_name: [
    ['first_name', 'First name'],
    ['last_name', 'Last name'],
  ],
  email: [['email', 'Email']],
  gender: [['gender', 'Gender']],
  birth_date: [['date_of_birth', 'Date of birth']],
  status: [['status', 'Status']],
  employment_type: [['employment_type', 'Employment type']],
  job_title: [['position', 'Position']],
  position_id: [['position', 'Position']],
  department_id: [['department', 'Department']],
  team_id: [['team', 'Team']],
  office: [['office', 'Office']],
  manager_id: [['supervisor', 'Supervisor']],
  hire_date: [['hire_date', 'Hire date']],
  termination_date: [['termination_date', 'Termination date']],
  termination_type: [['termination_type', 'Termination type']],
  contract_end_date: [['contract_end_date', 'Contract ends']],
  weekly_working_hours: [['weekly_working_hours', 'Weekly hours']],
  remote_created_at: [['created_at', 'Created at']],
  remote_updated_at: [['last_modified_at', 'Last modified']],
};

/** Unified objects -> the attributes (or access right) they need. */
const OBJECT_SOURCES: Record<
  string,
  { attributes: string[]; area?: [area: string, right: string] }
> = {
  employees: { attributes: [], area: ['employees', 'Employees'] },
  teams: { attributes: ['department_id', 'team_id'] },
  positions: { attributes: ['job_title'] },
  reporting_lines: { attributes: ['manager_id'] },
  absences: { attributes: [], area: ['absences', 'Absences'] },
  absence_types: { attributes: [], area: ['absences', 'Absences'] },
};

const UNIFIED_BY_KEY = new Map<string, string>();
for (const [field, sources] of Object.entries(FIELD_SOURCES)) {
  for (const [key] of sources) if (!UNIFIED_BY_KEY.has(key)) UNIFIED_BY_KEY.set(key, field);
}

/** Areas from a token's scope string, in either naming (`employees:read`, `personio:persons:read`). */
export function areasOf(scopes: readonly string[]): string[] {
  const out = new Set<string>();
  for (const s of scopes) {
    const v = s.toLowerCase();
    if (v === 'employees:read' || v === 'personio:persons:read') out.add('employees');
    if (v === 'absences:read' || v === 'personio:absences:read') out.add('absences');
    if (v === 'org-units:read' || v === 'personio:org-units:read') out.add('org_units');
  }
  return Array.from(out).sort();
}

export function readableAttributesOf(defs: readonly V1AttributeDefinition[]): ReadableAttribute[] {
  return defs.flatMap((d) => {
    if (typeof d.key !== 'string') return [];
    const universal = typeof d.universal_id === 'string' ? d.universal_id : null;
    return [
      {
        key: d.key,
        label: typeof d.label === 'string' ? d.label : d.key,
        type: typeof d.type === 'string' ? d.type : 'standard',
        unifiedField:
          UNIFIED_BY_KEY.get(d.key) ?? (universal ? (UNIFIED_BY_KEY.get(universal) ?? null) : null),
        custom: d.key.startsWith('dynamic_'),
      },
    ];
  });
}

export function customAttributesOf(
  defs: readonly V1AttributeDefinition[],
): CustomAttributeDefinition[] {
  return defs
    .filter((d) => typeof d.key === 'string' && d.key.startsWith('dynamic_'))
    .map((d) => ({
      key: d.key as string,
      label: typeof d.label === 'string' ? d.label : (d.key as string),
      type: typeof d.type === 'string' ? d.type : 'standard',
      options: Array.isArray(d.options) ? d.options.filter((o) => typeof o === 'string') : [],
    }));
}

function readable(report: AttributeReport, key: string): boolean {
  // Birthday and the like are custom attributes carrying a universal id (`date_of_birth`).
  const field = UNIFIED_BY_KEY.get(key);
  return report.attributes.some(
    (a) => a.key === key || (a.custom && field !== undefined && a.unifiedField === field),
  );
}

function missingField(field: string, report: AttributeReport, asked: string): MissingAttribute[] {
  const sources = FIELD_SOURCES[field];
  if (!sources) {
    return [
      {
        field: asked,
        providerAttribute: null,
        label: field,
        message: `"${asked}" is not a field Personio provides.`,
      },
    ];
  }
  return sources
    .filter(([key]) => !readable(report, key))
    .map(([key, label]) => ({
      field: asked,
      providerAttribute: key,
      label,
      message: `"${label}" is not readable with these credentials, so ${asked} stays empty. ${SETTING} and add "${label}" to its readable employee attributes.`,
    }));
}

/**
 * Of the fields an application needs (unified employee fields, objects such as `absences`, or
 * `custom:<key or label>`), those these credentials cannot read, each with an admin sentence.
 */
export function missingAttributes(
  needed: readonly string[],
  report: AttributeReport,
  custom: readonly CustomAttributeDefinition[],
): MissingAttribute[] {
  const out: MissingAttribute[] = [];
  const seen = new Set<string>();
  const push = (items: MissingAttribute[]): void => {
    for (const m of items) {
      const id = `${m.field}|${m.providerAttribute ?? ''}`;
      if (!seen.has(id)) out.push(m);
      seen.add(id);
    }
  };
  for (const asked of needed) {
    if (asked.startsWith('custom:')) {
      const name = asked.slice('custom:'.length);
      if (!resolveCustomAttribute(custom, name)) {
        push([
          {
            field: asked,
            providerAttribute: name.startsWith('dynamic_') ? name : null,
            label: name,
            message: `No readable custom attribute "${name}". ${SETTING} and add "${name}" to its readable employee attributes.`,
          },
        ]);
      }
      continue;
    }
    const object = OBJECT_SOURCES[asked];
    if (object) {
      if (object.area && !report.areas.includes(object.area[0])) {
        push([
          {
            field: asked,
            providerAttribute: object.area[0],
            label: object.area[1],
            message: `These credentials may not read ${object.area[1].toLowerCase()}. ${SETTING} and grant read access to "${object.area[1]}".`,
          },
        ]);
      }
      for (const f of object.attributes) push(missingField(f, report, asked));
      continue;
    }
    push(missingField(asked, report, asked));
  }
  return out;
}
