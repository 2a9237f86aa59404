import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Requests per application per minute, counted in the database so every replica shares one
 * budget. One row per application and minute; old minutes are swept now and then.
 */
@Entity({ name: 'api_rate_limits' })
export class ApiRateLimitEntity {
  @PrimaryColumn({ name: 'application_id', type: 'uuid' })
  applicationId!: string;

  @PrimaryColumn({ name: 'window_start', type: 'timestamptz' })
  windowStart!: Date;

  @Column({ type: 'integer' })
  count!: number;
}
