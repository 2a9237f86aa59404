/**
 * Owns the deterministic company generator: given a seed, a head count and a reference date it
 * always builds the same company (org units, a cycle-free supervisor tree, statuses with their
 * dates, people without email, custom attributes, absence types and absences a year around the
 * reference date). Pure: no clock, no I/O, no Math.random.
 */
import { flat } from './flat-string';
import { Random } from './random';
import { DAY_MS, addDays, berlinMidnightMs, isoDate } from './time';
import type {
  Absence,
  Company,
  CustomAttributeDef,
  CustomValue,
  Employee,
  EmploymentStatus,
  Gender,
  LegalEntity,
  NamedRef,
  OrgUnit,
  TimeOffType,
} from './model';
import { TERMINATION_TYPES } from './model';

export interface GenerateOptions {
  seed: number;
  employees: number;
  /** YYYY-MM-DD the company is generated around ("today"); absences span a year either side. */
  referenceDate: string;
  /** Average absences per employee (day and hour based together). */
  absencesPerEmployee?: number;
}

const FIRST_NAMES: Record<Gender, readonly string[]> = {
  female: [
    'Mara',
    'Anna',
    'Lena',
    'Sofia',
    'Emma',
    'Clara',
    'Julia',
    'Hannah',
    'Lea',
    'Marie',
    'Laura',
    'Ines',
    'Paula',
    'Nora',
    'Elif',
    'Aylin',
    'Chiara',
    'Lucia',
    'Freya',
    'Ida',
  ],
  male: [
    'Jonas',
    'Lukas',
    'Felix',
    'Paul',
    'Max',
    'Elias',
    'Noah',
    'Leon',
    'David',
    'Tim',
    'Jan',
    'Emil',
    'Matteo',
    'Karim',
    'Mehmet',
    'Oskar',
    'Anton',
    'Luca',
    'Finn',
    'Tobias',
  ],
  diverse: ['Alex', 'Kim', 'Robin', 'Sascha', 'Charlie', 'Luca', 'Noel', 'Toni'],
};

const LAST_NAMES = [
  'Keller',
  'Müller',
  'Schmidt',
  'Schneider',
  'Fischer',
  'Weber',
  'Meyer',
  'Wagner',
  'Becker',
  'Schulz',
  'Hoffmann',
  'Koch',
  'Richter',
  'Klein',
  'Wolf',
  'Schröder',
  'Neumann',
  'Schwarz',
  'Braun',
  'Zimmermann',
  'Krüger',
  'Hartmann',
  'Lange',
  'Werner',
  'Krause',
  'Lehmann',
  'Köhler',
  'García',
  'Rossi',
  'Novak',
  'Yılmaz',
  "O'Brien",
  'Nguyen',
  'Kowalski',
  'Jansen',
  'Dubois',
];

const DEPARTMENT_NAMES = [
  'Engineering',
  'Sales',
  'Marketing',
  'Customer Support',
  'Finance',
  'People',
  'Operations',
  'Product',
  'Legal',
  'Design',
  'Data',
  'Security',
  'Procurement',
  'Facilities',
  'Partnerships',
];

const POSITIONS = [
  'Software Engineer',
  'Senior Software Engineer',
  'Account Executive',
  'Support Engineer',
  'Product Manager',
  'Designer',
  'Accountant',
  'HR Generalist',
  'Data Analyst',
  'Team Lead',
  'Office Manager',
  'Marketing Specialist',
  'Recruiter',
  'Sales Development Representative',
  'Engineering Manager',
  'Controller',
  'Working Student',
  'Intern',
  'Freelance Consultant',
];

const OFFICES = ['Munich', 'Berlin', 'Madrid', 'London', 'Amsterdam', 'Remote'];
const TERMINATION_REASONS = ['Relocation', 'Career change', 'Restructuring', 'End of project', ''];
const LANGUAGES = ['English', 'German', 'Spanish', 'French', 'Italian', 'Turkish'];

const slugs = new Map<string, string>();

/** ASCII, lower-case, letters only: the e-mail form of a name (names repeat, so cached). */
function slug(text: string): string {
  let out = slugs.get(text);
  if (out === undefined) {
    out = text
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/ı/g, 'i')
      .toLowerCase()
      .replace(/[^a-z]/g, '');
    slugs.set(text, out);
  }
  return out;
}

function buildOrgUnits(
  rnd: Random,
  type: 'department' | 'team',
  count: number,
  firstId: number,
  names: (i: number) => string,
): OrgUnit[] {
  const units: OrgUnit[] = [];
  for (let i = 0; i < count; i++) {
    const name = names(i);
    // Parents always come earlier in the list, so the hierarchy has no cycles.
    const parent = i > 0 && rnd.chance(0.4) ? units[rnd.int(0, i - 1)] : undefined;
    units.push({
      id: firstId + i * rnd.int(1, 7),
      type,
      name,
      abbreviation: name
        .split(/\s+/)
        .map((w) => w[0] ?? '')
        .join('')
        .toUpperCase(),
      description: rnd.chance(0.5) ? `${name} ${type}` : '',
      parentId: parent ? parent.id : null,
    });
  }
  // Ids must be unique even with random strides.
  const seen = new Set<number>();
  for (const unit of units) {
    while (seen.has(unit.id)) unit.id += 1;
    seen.add(unit.id);
  }
  for (const unit of units) {
    if (unit.parentId !== null && !seen.has(unit.parentId)) unit.parentId = null;
  }
  return units;
}

function buildCustomAttributes(rnd: Random): CustomAttributeDef[] {
  const base = rnd.int(10_000, 90_000);
  const defs: Array<Omit<CustomAttributeDef, 'key'>> = [
    { label: 'Alleo', type: 'list', universalId: null, options: ['Yes', 'No'] },
    { label: 'Budget', type: 'decimal', universalId: null, options: [] },
    { label: 'Titel', type: 'standard', universalId: null, options: [] },
    { label: 'IBAN', type: 'standard', universalId: 'iban', options: [] },
    { label: 'Birthday', type: 'date', universalId: 'date_of_birth', options: [] },
    { label: 'Language Skills', type: 'tags', universalId: null, options: LANGUAGES.slice() },
    { label: 'Badge number', type: 'integer', universalId: null, options: [] },
    { label: 'Notes', type: 'multiline', universalId: null, options: [] },
  ];
  return defs.map((def, i) => ({ ...def, key: `dynamic_${base + i * 17}` }));
}

function buildTimeOffTypes(rnd: Random): TimeOffType[] {
  const base = rnd.int(100_000, 900_000);
  const defs: Array<Omit<TimeOffType, 'id' | 'uuid'>> = [
    { name: 'Paid vacation', category: 'paid_vacation', unit: 'day', approvalRequired: true },
    { name: 'Sick leave', category: 'sick_leave', unit: 'day', approvalRequired: false },
    {
      name: 'Parental leave',
      category: 'maternity_parental_leave',
      unit: 'day',
      approvalRequired: true,
    },
    { name: 'Unpaid vacation', category: 'unpaid_vacation', unit: 'day', approvalRequired: true },
    { name: 'Home office', category: 'offsite_work', unit: 'hour', approvalRequired: false },
    { name: 'Training', category: 'other', unit: 'hour', approvalRequired: true },
    { name: 'Doctor appointment', category: 'sick_leave', unit: 'hour', approvalRequired: false },
  ];
  return defs.map((def, i) => ({ ...def, id: base + i, uuid: rnd.uuid() }));
}

function customValue(rnd: Random, def: CustomAttributeDef, birthYear: number): CustomValue {
  switch (def.type) {
    case 'list':
      return rnd.chance(0.15) ? null : rnd.pick(def.options);
    case 'decimal':
      return rnd.chance(0.2) ? null : Math.round(rnd.next() * 500_000) / 100;
    case 'integer':
      return rnd.chance(0.1) ? null : rnd.int(1000, 99_999);
    case 'date':
      return flat(
        `${birthYear}-${String(rnd.int(1, 12)).padStart(2, '0')}-${String(rnd.int(1, 28)).padStart(2, '0')}`,
      );
    case 'tags': {
      const tags = def.options.filter(() => rnd.chance(0.3));
      return tags;
    }
    case 'standard':
      if (def.universalId === 'iban') {
        return flat(
          `DE${rnd.int(10, 99)} ${rnd.int(1000, 9999)} ${rnd.int(1000, 9999)} ${rnd.int(1000, 9999)} ${rnd.int(1000, 9999)} ${rnd.int(10, 99)}`,
        );
      }
      return rnd.chance(0.1) ? rnd.pick(['Dr', 'Prof', 'Dr. med.']) : null;
    case 'multiline':
      return rnd.chance(0.3) ? 'Prefers e-mail.\nAvailable Mon-Thu.' : null;
    case 'link':
      return null;
  }
}

interface StatusPlan {
  status: EmploymentStatus;
  hireDate: string;
  terminationDate: string | null;
}

function planStatus(rnd: Random, today: string, index: number): StatusPlan {
  const r = rnd.next();
  const pastHire = addDays(today, -rnd.int(30, 365 * 12));
  // The first people (founders, leads) are always active so the tree has live roots.
  if (index < 3 || r < 0.78) {
    // A few active people already have a termination date ahead of them.
    const leaving = rnd.chance(0.03) ? addDays(today, rnd.int(5, 120)) : null;
    return { status: 'active', hireDate: pastHire, terminationDate: leaving };
  }
  if (r < 0.86) {
    const end = addDays(today, -rnd.int(1, 700));
    const hire = end < pastHire ? addDays(end, -rnd.int(60, 2000)) : pastHire;
    return { status: 'inactive', hireDate: hire, terminationDate: end };
  }
  if (r < 0.92)
    return {
      status: 'onboarding',
      hireDate: addDays(today, rnd.int(1, 90)),
      terminationDate: null,
    };
  return { status: 'leave', hireDate: pastHire, terminationDate: null };
}

function buildEmployee(
  rnd: Random,
  company: Company,
  index: number,
  id: number,
  supervisorId: number | null,
  today: string,
  usedEmails: Map<string, number>,
): Employee {
  const gender: Gender = rnd.chance(0.03) ? 'diverse' : rnd.chance(0.5) ? 'female' : 'male';
  const firstName = rnd.pick(FIRST_NAMES[gender]);
  const lastName = rnd.pick(LAST_NAMES);
  let email: string | null = null;
  // Some people (externals mostly, but not only) have no email in Personio.
  const external = rnd.chance(0.08);
  if (!(external ? rnd.chance(0.4) : rnd.chance(0.02))) {
    const local = `${slug(firstName)}.${slug(lastName)}`;
    const seen = usedEmails.get(local) ?? 0;
    usedEmails.set(local, seen + 1);
    email = flat(
      seen === 0 ? `${local}@${company.domain}` : `${local}${seen + 1}@${company.domain}`,
    );
  }
  const plan = planStatus(rnd, today, index);
  const partTime = rnd.chance(0.2);
  const weekly = partTime ? rnd.pick([20, 24, 30, 32]) : 40;
  const nowMs = berlinMidnightMs(today);
  // Created some weeks before the hire date, but never in the future (onboarding people).
  const createdAt = Math.min(
    berlinMidnightMs(addDays(plan.hireDate, -rnd.int(7, 60))) + rnd.int(8, 17) * 3_600_000,
    nowMs - rnd.int(2, 20) * DAY_MS,
  );
  const updatedAt = Math.min(nowMs - rnd.int(1, 3600) * 1000, createdAt + rnd.int(0, 900) * DAY_MS);
  const department = rnd.chance(0.95) ? rnd.pick(company.departments) : null;
  const team = rnd.chance(0.85) ? rnd.pick(company.teams) : null;
  const office = rnd.chance(0.97) ? rnd.pick(company.offices) : null;
  const subcompany = rnd.chance(0.9) ? rnd.pick(company.subcompanies) : null;
  const costCenters = rnd.chance(0.1)
    ? []
    : rnd.chance(0.2)
      ? [
          { id: company.costCenters[0]?.id ?? 1, percentage: 60 },
          { id: company.costCenters[1]?.id ?? 2, percentage: 40 },
        ]
      : [{ id: rnd.pick(company.costCenters).id, percentage: 100 }];
  const terminated = plan.terminationDate !== null;
  const birthYear = rnd.int(1960, 2004);
  const custom: Record<string, CustomValue> = {};
  for (const def of company.customAttributes) custom[def.key] = customValue(rnd, def, birthYear);
  const position = external ? 'Freelance Consultant' : rnd.pick(POSITIONS);
  return {
    id,
    employmentId: rnd.uuid(),
    firstName,
    lastName,
    preferredName: flat(
      rnd.chance(0.1) ? `${firstName.slice(0, 3)} ${lastName}` : `${firstName} ${lastName}`,
    ),
    email,
    gender,
    status: plan.status,
    position,
    supervisorId,
    employmentType: external ? 'external' : 'internal',
    weeklyWorkingHours: weekly,
    fullTimeWeeklyWorkingHours: 40,
    hireDate: plan.hireDate,
    contractEndDate:
      external || rnd.chance(0.1) ? addDays(plan.hireDate, rnd.int(180, 1500)) : null,
    probationPeriodEnd: rnd.chance(0.9) ? addDays(plan.hireDate, 182) : null,
    terminationDate: plan.terminationDate,
    lastWorkingDay: plan.terminationDate,
    terminatedAt:
      terminated && plan.terminationDate ? addDays(plan.terminationDate, -rnd.int(30, 90)) : null,
    terminationType: terminated ? rnd.pick(TERMINATION_TYPES) : null,
    terminationReason: terminated ? rnd.pick(TERMINATION_REASONS) : null,
    subcompanyId: subcompany ? subcompany.id : null,
    officeId: office ? office.id : null,
    departmentId: department ? department.id : null,
    teamId: team ? team.id : null,
    costCenters,
    fixSalary: external ? 0 : rnd.int(30, 120) * 100 * (weekly / 40),
    hourlySalary: external ? rnd.int(60, 140) : 0,
    hasProfilePicture: rnd.chance(0.6),
    custom,
    createdAt,
    personUpdatedAt: updatedAt,
    employmentUpdatedAt: updatedAt,
    baselineUpdatedAt: updatedAt,
    fieldUpdatedAt: null,
  };
}

function workingMinutesOnDate(startMs: number, endMs: number, date: string): number {
  const dayStart = berlinMidnightMs(date);
  const dayEnd = berlinMidnightMs(addDays(date, 1));
  const overlap = Math.min(endMs, dayEnd) - Math.max(startMs, dayStart);
  return Math.max(0, Math.min(480, Math.round(overlap / 60_000)));
}

export { workingMinutesOnDate };

/**
 * How often each kind of day-based absence is taken: vacation and sick days are common, parental
 * leave rare, as it lasts months. Picked evenly, a quarter of all day absences were 3-10 month
 * parental leaves: everyone would be on leave most of the year, and a third of the absences a
 * sync window overlaps would be leaves with a daily breakdown of 90-300 days.
 */
const DAY_ABSENCE_WEIGHTS: Readonly<Record<string, number>> = {
  paid_vacation: 60,
  sick_leave: 30,
  unpaid_vacation: 8,
  maternity_parental_leave: 2,
};
const dayTypeWeight = (type: TimeOffType): number => DAY_ABSENCE_WEIGHTS[type.category] ?? 1;

function buildAbsences(
  rnd: Random,
  company: Company,
  employee: Employee,
  today: string,
  average: number,
  nextId: () => number,
): Absence[] {
  const out: Absence[] = [];
  const count = Math.max(0, Math.round(average + (rnd.next() - 0.5) * average * 1.5));
  const dayTypes = company.timeOffTypes.filter((t) => t.unit === 'day');
  const hourTypes = company.timeOffTypes.filter((t) => t.unit === 'hour');
  for (let i = 0; i < count; i++) {
    const hourBased = rnd.chance(0.3);
    const type = hourBased ? rnd.pick(hourTypes) : rnd.weighted(dayTypes, dayTypeWeight);
    const startDate = addDays(today, rnd.int(-365, 365));
    const createdAt = Math.min(
      berlinMidnightMs(startDate) - rnd.int(1, 60) * DAY_MS,
      berlinMidnightMs(today) - rnd.int(1, 86_400) * 1000,
    );
    // Edited up to 20 days after it was created, but never after today (Personio's clock).
    const updatedAt = rnd.chance(0.3)
      ? Math.min(createdAt + rnd.int(1, 20) * DAY_MS, berlinMidnightMs(today))
      : createdAt;
    let endDate: string;
    let startMs: number | null = null;
    let endMs: number | null = null;
    let halfDayStart = false;
    let halfDayEnd = false;
    if (hourBased) {
      if (rnd.chance(0.7)) {
        startMs = berlinMidnightMs(startDate) + rnd.int(8, 12) * 3_600_000;
        endMs = startMs + rnd.int(1, 6) * 3_600_000;
        endDate = startDate;
      } else {
        endDate = addDays(startDate, rnd.int(1, 4));
        startMs = berlinMidnightMs(startDate);
        endMs = berlinMidnightMs(addDays(endDate, 1));
      }
    } else {
      // Long leaves cross any sync window: they start before and end after it.
      const long = type.category === 'maternity_parental_leave' || rnd.chance(0.02);
      endDate = addDays(startDate, long ? rnd.int(90, 300) : rnd.int(0, 9));
      halfDayStart = rnd.chance(0.1);
      halfDayEnd = rnd.chance(0.1) && !(halfDayStart && endDate === startDate);
    }
    const pending = type.approvalRequired && rnd.chance(0.1);
    out.push({
      id: nextId(),
      uuid: rnd.uuid(),
      employeeId: employee.id,
      typeId: type.id,
      status: pending ? 'pending' : 'approved',
      startDate,
      endDate,
      halfDayStart,
      halfDayEnd,
      startMs,
      endMs,
      comment: rnd.chance(0.2) ? 'Family trip' : '',
      origin: rnd.pick(['web', 'web', 'mobile', 'api'] as const),
      createdById: employee.supervisorId ?? employee.id,
      createdAt,
      updatedAt,
      approvedAt: pending ? null : updatedAt,
    });
  }
  return out;
}

export function generateCompany(options: GenerateOptions): Company {
  const rnd = new Random(options.seed);
  const size = Math.max(0, Math.floor(options.employees));
  const today = options.referenceDate;
  const names = ['Acme', 'Nordlicht', 'Bergwerk', 'Flux', 'Kiefer', 'Lumen', 'Sonnen', 'Quanta'];
  const companyName = `${rnd.pick(names)} ${rnd.pick(['GmbH', 'AG', 'SE'])}`;
  const domain = `${slug(companyName.split(' ')[0] ?? 'acme')}.example`;
  const departmentCount = Math.min(DEPARTMENT_NAMES.length * 4, Math.max(3, Math.ceil(size / 60)));
  const teamCount = Math.min(400, Math.max(2, Math.ceil(size / 12)));
  const departments = buildOrgUnits(
    rnd,
    'department',
    departmentCount,
    rnd.int(200_000, 300_000),
    (i) => {
      const base = DEPARTMENT_NAMES[i % DEPARTMENT_NAMES.length] ?? 'Department';
      return i < DEPARTMENT_NAMES.length
        ? base
        : `${base} ${Math.floor(i / DEPARTMENT_NAMES.length) + 1}`;
    },
  );
  const teams = buildOrgUnits(
    rnd,
    'team',
    teamCount,
    rnd.int(50_000, 60_000),
    (i) => `Team ${i + 1}`,
  );
  const offices: NamedRef[] = OFFICES.map((name, i) => ({ id: 131_000 + i * 13, name }));
  const subcompanies: LegalEntity[] = [
    { id: 7033, name: `${companyName.split(' ')[0] ?? 'Acme'} GmbH`, country: 'DE' },
    { id: 7034, name: `${companyName.split(' ')[0] ?? 'Acme'} Iberia S.L.`, country: 'ES' },
    { id: 7035, name: `${companyName.split(' ')[0] ?? 'Acme'} Ltd`, country: 'GB' },
  ];
  const costCenters: NamedRef[] = Array.from({ length: 6 }, (_, i) => ({
    id: 82_950 + i * 7,
    name: `Cost center ${i + 1}`,
  }));
  const company: Company = {
    seed: options.seed,
    name: companyName,
    domain,
    departments,
    teams,
    offices,
    subcompanies,
    costCenters,
    holidayCalendar: {
      id: 2,
      name: 'Deutschland (Bayern) Feiertage',
      country: 'DE',
      state: 'Bayern',
    },
    workSchedule: {
      id: 97_188,
      name: 'Full-time, 40 hours without time tracking, (mon,tue,wed,thu,fri)',
    },
    customAttributes: buildCustomAttributes(rnd),
    timeOffTypes: buildTimeOffTypes(rnd),
    employees: [],
    absences: [],
    nextEmployeeId: 0,
    nextAbsenceId: 0,
  };
  const usedEmails = new Map<string, number>();
  let id = rnd.int(1000, 5000);
  let absenceId = rnd.int(10_000_000, 20_000_000);
  const nextAbsenceId = (): number => (absenceId += rnd.int(1, 3));
  const average = options.absencesPerEmployee ?? 3;
  for (let i = 0; i < size; i++) {
    // Supervisors are always hired earlier in the list: the tree cannot have cycles.
    const supervisor =
      i === 0
        ? undefined
        : company.employees[Math.floor(rnd.next() * Math.min(i, Math.max(1, Math.ceil(i / 4))))];
    const employee = buildEmployee(
      rnd,
      company,
      i,
      id,
      supervisor ? supervisor.id : null,
      today,
      usedEmails,
    );
    company.employees.push(employee);
    for (const absence of buildAbsences(rnd, company, employee, today, average, nextAbsenceId)) {
      company.absences.push(absence);
    }
    id += rnd.int(1, 3);
  }
  company.nextEmployeeId = id;
  company.nextAbsenceId = absenceId + 1;
  return company;
}

/** Today's date (UTC) for a clock reading: the default generator reference date. */
export function referenceDateFor(nowMs: number): string {
  return isoDate(nowMs);
}
