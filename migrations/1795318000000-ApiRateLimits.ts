import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class ApiRateLimits1795318000000 implements MigrationInterface {
  name = 'ApiRateLimits1795318000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "api_rate_limits" ("application_id" uuid NOT NULL, "window_start" TIMESTAMP WITH TIME ZONE NOT NULL, "count" integer NOT NULL, CONSTRAINT "PK_api_rate_limits" PRIMARY KEY ("application_id", "window_start"))',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE "api_rate_limits"');
  }
}
