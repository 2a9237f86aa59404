/**
 * Makes the connectors of connectors/registry.ts available to the gateway, built once per
 * process from the validated configuration (connectors never read the environment). One
 * connector instance per process: it owns the HTTP pool, token cache and pacing per credential.
 */
import { Global, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { PersonioConnector, TokenCache } from '../../connectors/personio/personio.connector';
import { DEFAULT_RETRY, DEFAULT_TIMEOUTS } from '../../connectors/personio/personio-http.client';
import { AppConfig } from '../config/app-config';

@Injectable()
export class Providers implements OnApplicationShutdown {
  /** For syncs: patient, retries through Personio's bad minutes within a run's budget. */
  readonly personio: PersonioConnector;
  /**
   * For checks a person waits on (the connect page, a connection's Test): a few quick retries,
   * then an honest "try again" rather than a spinner for minutes.
   */
  readonly personioInteractive: PersonioConnector;

  constructor(config: AppConfig) {
    const base = {
      baseUrl: config.personio.baseUrl,
      partnerId: config.personio.partnerId,
      appId: config.personio.appId,
      tokenCache: new TokenCache(),
      ...(config.personio.pacing ? {} : { rateLimits: false as const }),
    };
    const delays = {
      baseDelayMs: config.personio.retryBaseDelayMs,
      minDelayMs: Math.min(DEFAULT_RETRY.minDelayMs, config.personio.retryBaseDelayMs),
    };
    const totalMs = config.personio.requestTimeoutMs;
    this.personio = new PersonioConnector({
      ...base,
      retry: { ...DEFAULT_RETRY, ...delays },
      timeouts: {
        totalMs,
        connectMs: Math.min(DEFAULT_TIMEOUTS.connectMs, totalMs),
        headersMs: Math.min(DEFAULT_TIMEOUTS.headersMs, totalMs),
        bodyMs: Math.min(DEFAULT_TIMEOUTS.bodyMs, totalMs),
      },
    });
    this.personioInteractive = new PersonioConnector({
      ...base,
      retry: { ...DEFAULT_RETRY, ...delays, maxAttempts: 2, maxDelayMs: 2_000, budgetPerRun: 4 },
      timeouts: { totalMs: 15_000, headersMs: 10_000, bodyMs: 10_000 },
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.personio.close(), this.personioInteractive.close()]);
  }
}

@Global()
@Module({ providers: [Providers], exports: [Providers] })
export class ProvidersModule {}
