/**
 * Owns the v1 employee attribute catalogue (key, label, type, universal_id) and the way each
 * attribute's value is written inside its `{label, value, type, universal_id}` envelope. The
 * envelope text around each value is built once per catalogue, so serialising a page is string
 * concatenation, not object building.
 */
import type { Credential } from './auth';
import type { RequestContext, SandboxState } from './context';
import type { AttributeType, CustomAttributeDef, Employee } from './model';
import type { QuirkOptions } from './options';
import type { SandboxStore } from './store';
import { flat } from './flat-string';
import { v1Date, v1DateTime } from './time';

export interface SerializeContext {
  store: SandboxStore;
  quirks: QuirkOptions;
  /** Base URL used in profile picture links. */
  baseUrl: string;
  /** Keys readable by the credential (null: everything). Used for the nested supervisor. */
  readable: ReadonlySet<string> | null;
  catalog: AttributeCatalog;
}

export interface AttributeSpec {
  key: string;
  label: string;
  type: AttributeType;
  universalId: string | null;
  options: string[];
  /** JSON text of the value. */
  value(e: Employee, ctx: SerializeContext): string;
  /** `"key":{"label":..,"value":` */
  prefix: string;
  /** The same with a leading comma. */
  commaPrefix: string;
  /** `,"type":..,"universal_id":..}` */
  suffix: string;
  /**
   * For attributes with few distinct values: the whole `,"key":{...}` fragment per value JSON,
   * so a page reuses flat strings instead of building three new pieces per attribute.
   */
  fragments: Map<string, string> | null;
}

const NON_ASCII = /[\u0080-\uffff]/;
const NON_ASCII_ALL = /[\u0080-\uffff]/g;

/**
 * JSON text of a value with every non-ASCII character escaped (the same JSON once parsed).
 * v1 employee pages are then pure ASCII: their byte length is their string length and node
 * writes them without transcoding, which matters at 500 kB per page.
 */
export function json(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) return 'null';
  return NON_ASCII.test(text)
    ? text.replace(NON_ASCII_ALL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    : text;
}

const dateJson = new Map<string, string>();

function dateValue(date: string | null): string {
  if (date === null) return 'null';
  let text = dateJson.get(date);
  if (text === undefined) {
    text = json(v1Date(date));
    text = flat(text);
    dateJson.set(date, text);
  }
  return text;
}

const refCache = new WeakMap<object, string>();

/** Nested org objects never change once generated, so their JSON is built once. */
function ref(type: string, item: { id: number; name: string } | undefined): string {
  if (!item) return 'null';
  let text = refCache.get(item);
  if (text === undefined) {
    text = `{"type":"${type}","attributes":{"id":${item.id},"name":${json(item.name)}}}`;
    text = flat(text);
    refCache.set(item, text);
  }
  return text;
}

const costCache = new WeakMap<object, string>();
const ENUM_JSON = new Map<string, string>();

/** JSON of an often repeated value (names, status, tag sets), cached by its text. */
function enumJson(value: string | readonly string[]): string {
  const key = typeof value === 'string' ? value : `\u0000${value.join('\u0000')}`;
  let text = ENUM_JSON.get(key);
  if (text === undefined) {
    text = flat(json(value));
    ENUM_JSON.set(key, text);
  }
  return text;
}

/** The envelope of one attribute, e.g. for nested short employees. */
function envelope(spec: AttributeSpec, valueJson: string): string {
  return `${spec.prefix}${valueJson}${spec.suffix}`;
}

function shortEmployee(e: Employee, keys: readonly AttributeSpec[], ctx: SerializeContext): string {
  const parts: string[] = [];
  for (const spec of keys) parts.push(envelope(spec, spec.value(e, ctx)));
  return `{"type":"Employee","attributes":{${parts.join(',')}}}`;
}

type StandardDef = [
  key: string,
  label: string,
  type: AttributeType,
  universalId: string | null,
  value: (e: Employee, ctx: SerializeContext) => string,
  currency?: string,
];

const STANDARD: StandardDef[] = [
  ['id', 'ID', 'integer', 'id', (e) => String(e.id)],
  ['first_name', 'First name', 'standard', 'first_name', (e) => enumJson(e.firstName)],
  ['last_name', 'Last name', 'standard', 'last_name', (e) => enumJson(e.lastName)],
  [
    'preferred_name',
    'Name (preferred)',
    'standard',
    'preferred_name',
    (e) => enumJson(e.preferredName),
  ],
  ['email', 'Email', 'standard', 'email', (e) => json(e.email)],
  ['gender', 'Gender', 'standard', 'gender', (e) => enumJson(e.gender)],
  ['status', 'Status', 'standard', 'status', (e) => enumJson(e.status)],
  ['position', 'Position', 'standard', 'position', (e) => enumJson(e.position)],
  ['supervisor', 'Supervisor', 'standard', 'supervisor', (e, ctx) => supervisorValue(e, ctx)],
  [
    'employment_type',
    'Employment type',
    'standard',
    'employment_type',
    (e) => enumJson(e.employmentType),
  ],
  // A string in every real response, though the schema example is a number [REFERENCE 3.5].
  [
    'weekly_working_hours',
    'Weekly hours',
    'standard',
    'weekly_working_hours',
    (e) => enumJson(String(e.weeklyWorkingHours)),
  ],
  ['hire_date', 'Hire date', 'date', 'hire_date', (e) => dateValue(e.hireDate)],
  [
    'contract_end_date',
    'Contract ends',
    'date',
    'contract_end_date',
    (e) => dateValue(e.contractEndDate),
  ],
  [
    'termination_date',
    'Termination date',
    'date',
    'termination_date',
    (e) => dateValue(e.terminationDate),
  ],
  [
    'termination_type',
    'Termination type',
    'standard',
    'termination_type',
    (e) => json(e.terminationType === null ? null : e.terminationType.toLowerCase()),
  ],
  [
    'termination_reason',
    'Termination reason',
    'standard',
    'termination_reason',
    (e) => json(e.terminationReason),
  ],
  [
    'probation_period_end',
    'Probation period end',
    'date',
    'probation_period_end',
    (e) => dateValue(e.probationPeriodEnd),
  ],
  ['created_at', 'created_at', 'date', 'created_at', (e) => json(v1DateTime(e.createdAt))],
  [
    'last_modified_at',
    'Last modified',
    'date',
    'last_modified_at',
    (e, ctx) => json(v1DateTime(ctx.store.lastModifiedAt(e))),
  ],
  [
    'subcompany',
    'Subcompany',
    'standard',
    'subcompany',
    (e, ctx) =>
      ref(
        'Subcompany',
        e.subcompanyId === null ? undefined : ctx.store.subcompanies.get(e.subcompanyId),
      ),
  ],
  [
    'office',
    'Office',
    'standard',
    'office',
    (e, ctx) => ref('Office', e.officeId === null ? undefined : ctx.store.offices.get(e.officeId)),
  ],
  [
    'department',
    'Department',
    'standard',
    'department',
    (e, ctx) =>
      ref(
        'Department',
        e.departmentId === null ? undefined : ctx.store.departments.get(e.departmentId),
      ),
  ],
  [
    'cost_centers',
    'Cost center',
    'standard',
    'cost_center',
    (e, ctx) => {
      let text = costCache.get(e.costCenters);
      if (text === undefined) {
        text = `[${e.costCenters
          .map((c) => {
            const name = ctx.store.costCenters.get(c.id)?.name ?? '';
            return `{"type":"CostCenter","attributes":{"id":${c.id},"name":${json(name)},"percentage":${c.percentage}}}`;
          })
          .join(',')}]`;
        text = flat(text);
        costCache.set(e.costCenters, text);
      }
      return text;
    },
  ],
  [
    'holiday_calendar',
    'Holiday Calendar',
    'standard',
    'holiday_calendar',
    (_e, ctx) =>
      ctx.catalog.memo('holiday', () => {
        const h = ctx.store.company.holidayCalendar;
        return `{"type":"HolidayCalendar","attributes":{"id":${h.id},"name":${json(h.name)},"country":${json(h.country)},"state":${json(h.state)}}}`;
      }),
  ],
  [
    'absence_entitlement',
    'Absence entitlement',
    'standard',
    'absence_entitlement',
    (e, ctx) =>
      ctx.catalog.memo(`entitlement|${e.weeklyWorkingHours}`, () => {
        const vacation = ctx.store.company.timeOffTypes.find((t) => t.category === 'paid_vacation');
        if (!vacation) return '[]';
        const days = Math.round((e.weeklyWorkingHours / 40) * 28);
        return `[{"type":"TimeOffType","attributes":{"id":${vacation.id},"name":${json(vacation.name)},"category":${json(vacation.category)},"entitlement":${days}}}]`;
      }),
  ],
  [
    'work_schedule',
    'Work schedule',
    'standard',
    'work_schedule',
    (e, ctx) =>
      ctx.catalog.memo(`schedule|${e.weeklyWorkingHours}`, () => {
        const w = ctx.store.company.workSchedule;
        const day = `${String(Math.floor(e.weeklyWorkingHours / 5)).padStart(2, '0')}:${e.weeklyWorkingHours % 5 === 0 ? '00' : '30'}`;
        return `{"type":"WorkSchedule","attributes":{"id":${w.id},"name":${json(w.name)},"valid_from":null,"monday":"${day}","tuesday":"${day}","wednesday":"${day}","thursday":"${day}","friday":"${day}","saturday":"00:00","sunday":"00:00"}}`;
      }),
  ],
  ['fix_salary', 'Fix salary', 'decimal', 'fix_salary', (e) => String(e.fixSalary), 'EUR'],
  ['fix_salary_interval', 'Salary interval', 'standard', 'fix_salary_interval', () => '"monthly"'],
  [
    'hourly_salary',
    'Hourly salary',
    'decimal',
    'hourly_salary',
    (e) => String(e.hourlySalary),
    'EUR',
  ],
  [
    'last_working_day',
    'Last day of work',
    'date',
    'last_working_day',
    (e) => dateValue(e.lastWorkingDay),
  ],
  [
    'profile_picture',
    'Profile Picture',
    'standard',
    'profile_picture',
    (e, ctx) =>
      e.hasProfilePicture
        ? json(`${ctx.baseUrl}/v1/company/employees/${e.id}/profile-picture`)
        : 'null',
  ],
  [
    'team',
    'Team',
    'standard',
    'team',
    (e, ctx) => ref('Team', e.teamId === null ? undefined : ctx.store.teams.get(e.teamId)),
  ],
];

function makeSpec(
  key: string,
  label: string,
  type: AttributeType,
  universalId: string | null,
  options: string[],
  value: AttributeSpec['value'],
  currency?: string,
): AttributeSpec {
  return {
    key,
    label,
    type,
    universalId,
    options,
    value,
    prefix: flat(`${json(key)}:{"label":${json(label)},"value":`),
    commaPrefix: flat(`,${json(key)}:{"label":${json(label)},"value":`),
    suffix: flat(
      `,"type":${json(type)},"universal_id":${json(universalId)}${currency ? `,"currency":${json(currency)}` : ''}}`,
    ),
    fragments:
      DISCRETE.has(key) || type === 'date' || type === 'list' || type === 'tags' ? new Map() : null,
  };
}

/** Attributes whose values repeat across people (bounded, company-level sets). */
const DISCRETE = new Set([
  'first_name',
  'last_name',
  'preferred_name',
  'gender',
  'status',
  'position',
  'employment_type',
  'weekly_working_hours',
  'termination_type',
  'termination_reason',
  'subcompany',
  'office',
  'department',
  'team',
  'cost_centers',
  'holiday_calendar',
  'absence_entitlement',
  'work_schedule',
  'fix_salary',
  'fix_salary_interval',
  'hourly_salary',
]);

function customSpec(def: CustomAttributeDef): AttributeSpec {
  return makeSpec(def.key, def.label, def.type, def.universalId, def.options, (e, ctx) => {
    const v = e.custom[def.key] ?? null;
    if (v === null) return 'null';
    if (Array.isArray(v)) return enumJson(ctx.quirks.v1TagsValue === 'string' ? v.join(',') : v);
    return typeof v === 'string' && def.type === 'list' ? enumJson(v) : json(v);
  });
}

/** Default budget of the serialised-employee cache, in bytes. */
export const DEFAULT_EMPLOYEE_CACHE_BYTES = 128 * 2 ** 20;

/** At most this many views (attribute selections) are cached at once. */
const MAX_VIEWS = 32;

/**
 * Serialised employees of one view: the same attribute selection, readable set, base URL and
 * quirks give the same text for an employee while the store is unchanged.
 */
export interface EmployeeView {
  /** `,{"type":"Employee",...}` as UTF-8: a page's records are these bytes, the first without its comma. */
  readonly records: Map<Employee, Buffer>;
}

/** UTF-8 bytes of a text; pure ASCII (what `json` writes) is a plain Latin-1 copy. */
function encodeText(text: string): Buffer {
  return Buffer.byteLength(text, 'utf8') === text.length
    ? Buffer.from(text, 'latin1')
    : Buffer.from(text, 'utf8');
}

/**
 * Cached records live side by side in 1 MiB buffers: a hundred thousand separate small
 * buffers would each cost an allocation of its own and work for the garbage collector.
 */
class Slab {
  private static readonly SIZE = 2 ** 20;
  private buffer = Buffer.allocUnsafe(Slab.SIZE);
  private used = 0;

  /** The UTF-8 bytes of `text`, in a slab (a text larger than a slab gets its own buffer). */
  put(text: string): Buffer {
    // UTF-8 needs at most 3 bytes per UTF-16 unit.
    const worst = text.length * 3;
    if (worst > Slab.SIZE) return Buffer.from(text, 'utf8');
    if (this.used + worst > Slab.SIZE) {
      this.buffer = Buffer.allocUnsafe(Slab.SIZE);
      this.used = 0;
    }
    const written = this.buffer.write(text, this.used, 'utf8');
    const bytes = this.buffer.subarray(this.used, this.used + written);
    this.used += written;
    return bytes;
  }
}

/** The catalogue of a company: standard attributes then its custom ones, in response order. */
export class AttributeCatalog {
  readonly specs: AttributeSpec[];
  readonly byKey = new Map<string, AttributeSpec>();
  /** id, first_name, last_name, email: the nested short employee of time-offs and supervisors. */
  readonly shortKeys: AttributeSpec[];
  private readonly memoized = new Map<string, string>();
  private readonly supervisorIds = new Map<number, string>();
  private readonly views = new Map<string, EmployeeView>();
  /** Store version the cached views were built for; any mutation drops them all. */
  private viewsVersion = -1;
  private cachedBytes = 0;
  private slab = new Slab();

  /**
   * @param cacheBytes budget of the serialised-employee cache (0 turns it off). A full v1
   *   employee is about 4.5 kB, so the default holds a company of about 28,000 once; past the
   *   budget, records are serialised per request. Filling the cache costs garbage-collector
   *   work in proportion to what it retains, so it pays where pages are read more than twice.
   */
  constructor(
    customAttributes: readonly CustomAttributeDef[],
    private readonly cacheBytes = DEFAULT_EMPLOYEE_CACHE_BYTES,
  ) {
    this.specs = [
      ...STANDARD.map(([key, label, type, uid, value, currency]) =>
        makeSpec(key, label, type, uid, [], value, currency),
      ),
      ...customAttributes.map(customSpec),
    ];
    for (const spec of this.specs) this.byKey.set(spec.key, spec);
    this.shortKeys = ['id', 'first_name', 'last_name', 'email'].map((k) => this.require(k));
  }

  /** JSON fragments that depend only on company data, built once per catalogue. */
  memo(key: string, build: () => string): string {
    let text = this.memoized.get(key);
    if (text === undefined) {
      text = build();
      text = flat(text);
      this.memoized.set(key, text);
    }
    return text;
  }

  /** The `id`-only nested supervisor, cached per supervisor id. */
  supervisorById(id: number, ctx: SerializeContext, boss: Employee): string {
    let text = this.supervisorIds.get(id);
    if (text === undefined) {
      text = shortEmployee(boss, [this.require('id')], ctx);
      text = flat(text);
      this.supervisorIds.set(id, text);
    }
    return text;
  }

  require(key: string): AttributeSpec {
    const spec = this.byKey.get(key);
    if (!spec) throw new Error(`unknown attribute ${key}`);
    return spec;
  }

  /** Specs a credential may read, narrowed by an optional projection; `id` always stays. */
  select(
    readable: ReadonlySet<string> | null,
    projection: readonly string[] | null,
  ): AttributeSpec[] {
    const wanted = projection ? new Set(projection) : null;
    return this.specs.filter(
      (s) =>
        s.key === 'id' ||
        ((readable === null || readable.has(s.key)) && (wanted === null || wanted.has(s.key))),
    );
  }

  /** `{"type":"Employee","attributes":{...}}` for the given specs. */
  employee(e: Employee, specs: readonly AttributeSpec[], ctx: SerializeContext): string {
    const parts: string[] = [];
    this.append(parts, e, specs, ctx);
    return parts.join('');
  }

  /**
   * The cache of serialised employees for this selection and caller, or null when caching is
   * off. Valid for the current store version only: every mutation (an employee, a supervisor's
   * name shown in reports, an absence) empties all views, so nothing stale is ever served.
   */
  view(specs: readonly AttributeSpec[], ctx: SerializeContext): EmployeeView | null {
    if (this.cacheBytes <= 0) return null;
    if (ctx.store.version !== this.viewsVersion) {
      this.dropViews();
      this.viewsVersion = ctx.store.version;
    }
    const readable = ctx.readable;
    // Everything the text of an employee depends on besides the employee and the store:
    // the attributes, the short keys of a nested supervisor, picture links, two quirks.
    let key = `${ctx.baseUrl}|${ctx.quirks.v1TagsValue}|${ctx.quirks.supervisorAttributes}|`;
    for (const s of this.shortKeys) key += readable === null || readable.has(s.key) ? '1' : '0';
    for (const s of specs) key += `|${s.key}`;
    let view = this.views.get(key);
    if (view === undefined) {
      // Views share slabs, so dropping one view would free little: past the limit, start over.
      if (this.views.size >= MAX_VIEWS) this.dropViews();
      view = { records: new Map() };
      this.views.set(key, view);
    }
    return view;
  }

  /** Forgets every cached record; the memory held stays within the budget plus one slab. */
  private dropViews(): void {
    this.views.clear();
    this.cachedBytes = 0;
    this.slab = new Slab();
  }

  /**
   * A v1 employee page as UTF-8 chunks: `head`, the records separated by commas, then `]}`.
   * Cached records are used as they are; records past the cache budget are serialised into
   * runs of text, one buffer per run, as a page without any cache would be.
   */
  pageChunks(
    head: string,
    items: readonly Employee[],
    specs: readonly AttributeSpec[],
    ctx: SerializeContext,
  ): Buffer[] {
    const view = this.view(specs, ctx);
    const chunks: Buffer[] = [];
    let run: string[] = [head];
    for (let i = 0; i < items.length; i++) {
      const e = items[i] as Employee;
      const record = view === null ? undefined : this.cachedRecord(e, specs, ctx, view);
      if (record === undefined) {
        if (i > 0) run.push(',');
        this.append(run, e, specs, ctx);
        continue;
      }
      if (run.length > 0) {
        chunks.push(encodeText(run.join('')));
        run = [];
      }
      chunks.push(i === 0 ? record.subarray(1) : record);
    }
    run.push(']}');
    chunks.push(encodeText(run.join('')));
    return chunks;
  }

  /** `,` and the employee's JSON as UTF-8 from the view, built now if the budget allows. */
  private cachedRecord(
    e: Employee,
    specs: readonly AttributeSpec[],
    ctx: SerializeContext,
    view: EmployeeView,
  ): Buffer | undefined {
    let record = view.records.get(e);
    if (record !== undefined || this.cachedBytes >= this.cacheBytes) return record;
    const parts = [','];
    this.append(parts, e, specs, ctx);
    record = this.slab.put(parts.join(''));
    view.records.set(e, record);
    this.cachedBytes += record.length;
    return record;
  }

  /**
   * Appends an employee's JSON as pieces. A page is joined once at the end: one flat copy,
   * instead of V8 building and later flattening a rope per attribute.
   */
  append(
    parts: string[],
    e: Employee,
    specs: readonly AttributeSpec[],
    ctx: SerializeContext,
  ): void {
    parts.push('{"type":"Employee","attributes":{');
    for (let i = 0; i < specs.length; i++) {
      const spec = specs[i] as AttributeSpec;
      const value = spec.value(e, ctx);
      const fragments = i === 0 ? null : spec.fragments;
      if (fragments) {
        let fragment = fragments.get(value);
        if (fragment === undefined) {
          fragment = spec.commaPrefix + value + spec.suffix;
          fragment = flat(fragment);
          fragments.set(value, fragment);
        }
        parts.push(fragment);
      } else {
        parts.push(i === 0 ? spec.prefix : spec.commaPrefix, value, spec.suffix);
      }
    }
    parts.push('}}');
  }

  /** The nested short employee (id + names + email as far as the credential may read them). */
  shortEmployee(e: Employee, ctx: SerializeContext): string {
    const readable = ctx.readable;
    return shortEmployee(
      e,
      this.shortKeys.filter((s) => s.key === 'id' || readable === null || readable.has(s.key)),
      ctx,
    );
  }
}

function supervisorValue(e: Employee, ctx: SerializeContext): string {
  if (e.supervisorId === null) return 'null';
  const boss = ctx.store.employee(e.supervisorId);
  if (!boss) return 'null';
  const catalog = ctx.catalog;
  if (ctx.quirks.supervisorAttributes === 'id') return catalog.supervisorById(boss.id, ctx, boss);
  return catalog.shortEmployee(boss, ctx);
}

export function serializeContext(
  state: SandboxState,
  ctx: RequestContext,
  credential: Credential,
): SerializeContext {
  return {
    store: state.store,
    quirks: state.options.quirks,
    baseUrl: ctx.baseUrl,
    readable: credential.readable,
    catalog: state.catalog,
  };
}
