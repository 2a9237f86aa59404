import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { type components } from '../../openapi/generated/hris-gateway';

type Liveness = components['schemas']['Liveness'];
type Readiness = components['schemas']['Readiness'];

/**
 * Liveness says the process answers; readiness says it can serve (the database answers).
 * Orchestrators restart on the first and route traffic on the second.
 */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
  ) {}

  @Get('live')
  live(): Liveness {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck()
  async ready(): Promise<Readiness> {
    const result = await this.health.check([
      () => this.database.pingCheck('database', { timeout: 2_000 }),
    ]);
    return { status: 'ok', checks: result.details as Readiness['checks'] };
  }
}
