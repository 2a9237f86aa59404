/**
 * The gateway's configuration: the only place that knows environment variable names.
 * `loadConfig` validates every variable at once and fails with the complete list of problems,
 * so an operator fixes a broken deployment in one round instead of one variable per restart.
 * Nothing else in the code base reads process.env (main.ts passes it in once).
 */
import { plainToInstance, Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  MinLength,
  validateSync,
  type ValidationError,
} from 'class-validator';
import { resolve } from 'node:path';

export const NODE_ENVS = ['development', 'test', 'production'] as const;
export type NodeEnv = (typeof NODE_ENVS)[number];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Variables whose values must never be printed, even in a validation error. */
export const SENSITIVE_VARIABLES: ReadonlySet<string> = new Set([
  'DATABASE_URL',
  'ADMIN_TOKEN',
  'VAULT_KEYS',
  'METRICS_TOKEN',
]);

const toInt = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
const emptyToUndefined = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

/** The raw variables as validated. Field names are the variable names on purpose. */
class EnvironmentVariables {
  @IsIn(NODE_ENVS)
  NODE_ENV: string = 'development';

  @IsString()
  @MinLength(1)
  HOST: string = '127.0.0.1';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT: number = 3000;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  PUBLIC_URL?: string;

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: string = 'info';

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, {
    message: 'DATABASE_URL must be a postgres:// or postgresql:// connection URL',
  })
  DATABASE_URL?: string;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(200)
  DATABASE_POOL_SIZE: number = 10;

  @IsString()
  @MinLength(1)
  DATA_DIR: string = '.data';

  @Transform(toInt)
  @IsInt()
  @Min(1024)
  @Max(65535)
  // Below Linux's ephemeral range (32768-60999), so an outgoing connection never holds it.
  EMBEDDED_POSTGRES_PORT: number = 25432;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(32, {
    message: 'ADMIN_TOKEN must be at least 32 characters (e.g. openssl rand -base64 32)',
  })
  ADMIN_TOKEN?: string;

  /** Bearer token Prometheus must send to GET /metrics; unset leaves /metrics open (not in production). */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'METRICS_TOKEN must be at least 16 characters' })
  METRICS_TOKEN?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(
    /^[A-Za-z0-9_-]{1,32}:[A-Za-z0-9+/_-]{43}=?(,[A-Za-z0-9_-]{1,32}:[A-Za-z0-9+/_-]{43}=?)*$/,
    {
      message:
        'VAULT_KEYS must be a comma-separated key ring "version:base64-32-bytes", active key first (e.g. v2:...,v1:...)',
    },
  )
  VAULT_KEYS?: string;

  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  PERSONIO_BASE_URL: string = 'https://api.personio.de';

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^[A-Z][A-Z0-9_]{0,63}$/, { message: 'PERSONIO_PARTNER_ID must be UPPER_SNAKE_CASE' })
  PERSONIO_PARTNER_ID?: string;

  @Matches(/^[A-Z][A-Z0-9_]{0,63}$/, { message: 'PERSONIO_APP_ID must be UPPER_SNAKE_CASE' })
  PERSONIO_APP_ID: string = 'HRIS_GATEWAY';

  /**
   * "off" stops the client pacing itself to Personio's documented limits: only for the sandbox
   * with its limits off (tests, benchmarks). 429 answers are still honoured either way.
   */
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.trim().toLowerCase() : value,
  )
  @IsIn(['on', 'off'], { message: 'PERSONIO_PACING must be on or off' })
  PERSONIO_PACING: string = 'on';

  /** First retry wait after a failed Personio request; later ones back off exponentially. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(60_000)
  PERSONIO_RETRY_BASE_DELAY_MS: number = 1_000;

  /** Longest a single Personio request may take, body included, before it counts as failed. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(600_000)
  PERSONIO_REQUEST_TIMEOUT_MS: number = 120_000;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  API_RATE_LIMIT_PER_MINUTE: number = 6000;

  /** Express "trust proxy": how many proxies in front set X-Forwarded-For (0: none). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(10)
  TRUST_PROXY_HOPS: number = 0;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10_000)
  CONNECT_RATE_LIMIT_PER_MINUTE: number = 60;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(120_000)
  SHUTDOWN_TIMEOUT_MS: number = 10_000;

  /** "false" runs no scheduler or sync worker in this process (an API-only replica). */
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.trim().toLowerCase() : value,
  )
  @IsIn(['true', 'false'], { message: 'SYNC_ENABLED must be true or false' })
  SYNC_ENABLED: string = 'true';

  /** How often the scheduler looks for due connections and queued runs. */
  @Transform(toInt)
  @IsInt()
  @Min(50)
  @Max(300_000)
  SYNC_TICK_MS: number = 5_000;

  /** Syncs one process runs at once. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(64)
  SYNC_CONCURRENCY: number = 4;

  /** A running sync whose heartbeat is older than this lost its worker: it fails and reruns. */
  @Transform(toInt)
  @IsInt()
  @Min(1_000)
  @Max(3_600_000)
  SYNC_STALE_AFTER_MS: number = 120_000;

  /**
   * A connection's first sync writes straight into the data tables inside one transaction, for
   * at most this long; after that it stages the rest like any other run. 0 always stages.
   */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  SYNC_BASELINE_TRANSACTION_MAX_MS: number = 120_000;

  /**
   * Demo mode of `npm start`: the built-in Personio sandbox, a demo application, webhook and
   * connect link, and a printed quick start. `auto`: on in development when PERSONIO_BASE_URL
   * is not set.
   */
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.trim().toLowerCase() : value,
  )
  @IsIn(['auto', 'on', 'off'], { message: 'DEMO must be auto, on or off' })
  DEMO: string = 'auto';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65_535)
  DEMO_SANDBOX_PORT: number = 4010;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65_535)
  DEMO_RECEIVER_PORT: number = 4020;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(5_000)
  DEMO_EMPLOYEES: number = 300;

  /** "false" runs no webhook dispatcher in this process (an API-only replica). */
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.trim().toLowerCase() : value,
  )
  @IsIn(['true', 'false'], { message: 'WEBHOOKS_ENABLED must be true or false' })
  WEBHOOKS_ENABLED: string = 'true';

  /**
   * Development and tests only: "true" accepts http:// and loopback receivers. Every other
   * private, link-local or metadata address stays refused.
   */
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.trim().toLowerCase() : value,
  )
  @IsIn(['true', 'false'], { message: 'WEBHOOK_ALLOW_INSECURE_URLS must be true or false' })
  WEBHOOK_ALLOW_INSECURE_URLS: string = 'false';

  /** How often the dispatcher fans new events out and claims due deliveries. */
  @Transform(toInt)
  @IsInt()
  @Min(20)
  @Max(60_000)
  WEBHOOK_TICK_MS: number = 1_000;

  /** Deliveries one process sends at once (at most a quarter of them to one endpoint). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(256)
  WEBHOOK_CONCURRENCY: number = 16;

  /** Whole-attempt deadline: connect, send, answer. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(60_000)
  WEBHOOK_TIMEOUT_MS: number = 15_000;

  /** Bodies above this are sent without `data` (the receiver pulls the event from the feed). */
  @Transform(toInt)
  @IsInt()
  @Min(1_024)
  @Max(5_242_880)
  WEBHOOK_MAX_PAYLOAD_BYTES: number = 262_144;

  /** How far V8 lets the heap grow past what survived the last full collection; 0: V8's own. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(400)
  HEAP_GROWING_PERCENT: number = 100;
}

/** Typed, validated configuration handed to every module through dependency injection. */
export class AppConfig {
  constructor(
    readonly nodeEnv: NodeEnv,
    readonly host: string,
    readonly port: number,
    readonly publicUrl: string,
    readonly logLevel: LogLevel,
    readonly database: {
      /** Set when an external server is used; unset means "start the embedded one". */
      readonly url?: string;
      readonly poolSize: number;
      readonly embedded: { readonly dataDir: string; readonly port: number };
    },
    readonly dataDir: string,
    readonly shutdownTimeoutMs: number,
    /** Bearer token of the operator's admin API; unset closes that API. */
    readonly adminToken: string | undefined,
    /** The vault's key ring as configured ("v2:key,v1:key"); unset means the dev key file. */
    readonly vaultKeys: string | undefined,
    readonly personio: {
      readonly baseUrl: string;
      readonly partnerId?: string;
      readonly appId: string;
      /** Pace requests to Personio's documented rate limits (off only against the sandbox). */
      readonly pacing: boolean;
      readonly retryBaseDelayMs: number;
      readonly requestTimeoutMs: number;
    },
    /** Requests per minute and client IP on the connect-link routes. */
    readonly connectRateLimitPerMinute: number,
    /** Proxies in front of the gateway whose X-Forwarded-For is trusted for the client IP. */
    readonly trustProxyHops: number,
    /** Requests per minute per application on the token-guarded API (counted in PostgreSQL, shared by every replica). */
    readonly apiRateLimitPerMinute: number,
    readonly sync: {
      readonly enabled: boolean;
      readonly tickMs: number;
      readonly concurrency: number;
      readonly staleAfterMs: number;
      /** 0: a first sync stages like any other run (see SYNC_BASELINE_TRANSACTION_MAX_MS). */
      readonly baselineTransactionMaxMs: number;
    },
    readonly demo: {
      readonly enabled: boolean;
      readonly sandboxPort: number;
      readonly receiverPort: number;
      readonly employees: number;
    },
    /** Bearer token for GET /metrics; unset leaves it open (development only: production requires it). */
    readonly metricsToken: string | undefined,
    readonly webhooks: {
      readonly enabled: boolean;
      readonly allowInsecureUrls: boolean;
      readonly tickMs: number;
      readonly concurrency: number;
      readonly timeoutMs: number;
      readonly maxPayloadBytes: number;
    },
    /** See src/common/runtime/heap-tuning.ts. */
    readonly heapGrowingPercent: number,
  ) {}

  get isProduction(): boolean {
    return this.nodeEnv === 'production';
  }
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  - ${p}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

function describeProblems(errors: ValidationError[]): string[] {
  return errors.flatMap((error) => {
    const shown = SENSITIVE_VARIABLES.has(error.property)
      ? '(value hidden)'
      : JSON.stringify(error.value);
    return Object.values(error.constraints ?? {}).map(
      (message) => `${error.property}=${shown}: ${message}`,
    );
  });
}

/**
 * Validates the environment and returns the typed configuration, or throws a ConfigError that
 * lists every problem. Unknown variables are ignored: the process environment holds many.
 */
export function loadConfig(env: Record<string, string | undefined>): AppConfig {
  const known = Object.keys(new EnvironmentVariables());
  const picked = Object.fromEntries(
    known.filter((key) => env[key] !== undefined).map((key) => [key, env[key]]),
  );
  const vars = plainToInstance(EnvironmentVariables, picked);
  const problems = describeProblems(
    validateSync(vars, { forbidUnknownValues: true, stopAtFirstError: true }),
  );

  if (vars.NODE_ENV === 'production' && !vars.DATABASE_URL) {
    problems.push(
      'DATABASE_URL: required when NODE_ENV=production (the embedded PostgreSQL is for development only)',
    );
  }
  if (vars.NODE_ENV === 'production' && !vars.ADMIN_TOKEN) {
    problems.push('ADMIN_TOKEN: required when NODE_ENV=production');
  }
  if (vars.NODE_ENV === 'production' && !vars.PUBLIC_URL?.startsWith('https://')) {
    problems.push(
      'PUBLIC_URL: must be an https:// URL when NODE_ENV=production (links and cookies depend on it)',
    );
  }
  if (vars.NODE_ENV === 'production' && !vars.PERSONIO_BASE_URL.startsWith('https://')) {
    problems.push(
      'PERSONIO_BASE_URL: must be https:// when NODE_ENV=production (client secrets travel to it)',
    );
  }
  if (vars.NODE_ENV === 'production' && !vars.VAULT_KEYS) {
    problems.push(
      'VAULT_KEYS: required when NODE_ENV=production (the dev key file is for development only)',
    );
  }
  if (vars.NODE_ENV === 'production' && !vars.METRICS_TOKEN) {
    problems.push(
      'METRICS_TOKEN: required when NODE_ENV=production (GET /metrics tells anyone how many customers sync and fail)',
    );
  }
  if (vars.NODE_ENV === 'production' && vars.DEMO === 'on') {
    problems.push('DEMO: must not be on when NODE_ENV=production (it prints secrets)');
  }
  if (vars.NODE_ENV === 'production' && vars.WEBHOOK_ALLOW_INSECURE_URLS === 'true') {
    problems.push(
      'WEBHOOK_ALLOW_INSECURE_URLS: must be false when NODE_ENV=production (it lets subscribers reach the gateway host)',
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const dataDir = resolve(vars.DATA_DIR);
  return new AppConfig(
    vars.NODE_ENV as NodeEnv,
    vars.HOST,
    vars.PORT,
    (vars.PUBLIC_URL ?? `http://localhost:${vars.PORT}`).replace(/\/+$/, ''),
    vars.LOG_LEVEL as LogLevel,
    {
      url: vars.DATABASE_URL,
      poolSize: vars.DATABASE_POOL_SIZE,
      embedded: { dataDir: resolve(dataDir, 'postgres'), port: vars.EMBEDDED_POSTGRES_PORT },
    },
    dataDir,
    vars.SHUTDOWN_TIMEOUT_MS,
    vars.ADMIN_TOKEN,
    vars.VAULT_KEYS,
    {
      baseUrl: vars.PERSONIO_BASE_URL.replace(/\/+$/, ''),
      partnerId: vars.PERSONIO_PARTNER_ID,
      appId: vars.PERSONIO_APP_ID,
      pacing: vars.PERSONIO_PACING === 'on',
      retryBaseDelayMs: vars.PERSONIO_RETRY_BASE_DELAY_MS,
      requestTimeoutMs: vars.PERSONIO_REQUEST_TIMEOUT_MS,
    },
    vars.CONNECT_RATE_LIMIT_PER_MINUTE,
    vars.TRUST_PROXY_HOPS,
    vars.API_RATE_LIMIT_PER_MINUTE,
    {
      enabled: vars.SYNC_ENABLED === 'true',
      tickMs: vars.SYNC_TICK_MS,
      concurrency: vars.SYNC_CONCURRENCY,
      staleAfterMs: vars.SYNC_STALE_AFTER_MS,
      baselineTransactionMaxMs: vars.SYNC_BASELINE_TRANSACTION_MAX_MS,
    },
    {
      enabled:
        vars.DEMO === 'on' ||
        (vars.DEMO === 'auto' && vars.NODE_ENV === 'development' && !env.PERSONIO_BASE_URL),
      sandboxPort: vars.DEMO_SANDBOX_PORT,
      receiverPort: vars.DEMO_RECEIVER_PORT,
      employees: vars.DEMO_EMPLOYEES,
    },
    vars.METRICS_TOKEN,
    {
      enabled: vars.WEBHOOKS_ENABLED === 'true',
      allowInsecureUrls: vars.WEBHOOK_ALLOW_INSECURE_URLS === 'true',
      tickMs: vars.WEBHOOK_TICK_MS,
      concurrency: vars.WEBHOOK_CONCURRENCY,
      timeoutMs: vars.WEBHOOK_TIMEOUT_MS,
      maxPayloadBytes: vars.WEBHOOK_MAX_PAYLOAD_BYTES,
    },
    vars.HEAP_GROWING_PERCENT,
  );
}
