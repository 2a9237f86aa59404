import { Controller, Get, Header, Headers } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import { ProblemException } from '../common/errors/problem';
import { AppConfig } from '../config/app-config';
import { Metrics } from './metrics';

/**
 * Prometheus scrape endpoint. With METRICS_TOKEN set, scrapers must send it as a bearer token
 * (Prometheus `authorization` config). Production requires it (app-config.ts); in development,
 * without it the endpoint is open.
 */
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: Metrics,
    private readonly config: AppConfig,
  ) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  async scrape(@Headers('authorization') authorization: string | undefined): Promise<string> {
    const expected = this.config.metricsToken;
    if (expected !== undefined) {
      const given = Buffer.from(/^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1] ?? '');
      const wanted = Buffer.from(expected);
      if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) {
        throw new ProblemException('unauthorized', 'Send METRICS_TOKEN as a bearer token.', {
          headers: { 'WWW-Authenticate': 'Bearer realm="hris-gateway-metrics"' },
        });
      }
    }
    return this.metrics.registry.metrics();
  }
}
