import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class Webhooks1796561766207 implements MigrationInterface {
  name = 'Webhooks1796561766207';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "webhook_endpoints" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "application_id" uuid NOT NULL, "url" text NOT NULL, "description" text, "event_types" text array NOT NULL, "connection_ids" uuid array, "enabled" boolean NOT NULL DEFAULT true, "disabled_reason" text, "disabled_at" TIMESTAMP(3) WITH TIME ZONE, "secrets" text NOT NULL, "failing_since" TIMESTAMP(3) WITH TIME ZONE, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_054c4cfb95223732f5939d2d546" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "webhook_endpoints_application_idx" ON "webhook_endpoints" ("application_id") ',
    );
    await queryRunner.query(
      'CREATE TABLE "webhook_deliveries" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "endpoint_id" uuid NOT NULL, "event_id" uuid NOT NULL, "connection_id" uuid, "sequence" bigint NOT NULL, "event_type" text NOT NULL, "replay" boolean NOT NULL DEFAULT false, "status" text NOT NULL DEFAULT \'pending\', "attempts" integer NOT NULL DEFAULT \'0\', "max_attempts" integer NOT NULL, "next_attempt_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "leased_until" TIMESTAMP(3) WITH TIME ZONE, "last_attempt_at" TIMESTAMP(3) WITH TIME ZONE, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_535dd409947fb6d8fc6dfc0112a" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "webhook_deliveries_endpoint_created_idx" ON "webhook_deliveries" ("endpoint_id", "created_at", "id") ',
    );
    await queryRunner.query(
      'CREATE INDEX "webhook_deliveries_due_idx" ON "webhook_deliveries" ("next_attempt_at") WHERE status = \'pending\'',
    );
    await queryRunner.query(
      'CREATE INDEX "webhook_deliveries_pending_stream_idx" ON "webhook_deliveries" ("endpoint_id", "connection_id", "sequence") WHERE status = \'pending\'',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "webhook_deliveries_event_unique" ON "webhook_deliveries" ("endpoint_id", "event_id") WHERE NOT replay',
    );
    await queryRunner.query(
      'CREATE TABLE "webhook_attempts" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "delivery_id" uuid NOT NULL, "attempted_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "status_code" integer, "duration_ms" integer NOT NULL, "error" text, "response_excerpt" text, CONSTRAINT "PK_2de7e7887ad97de459adab62638" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "webhook_attempts_delivery_idx" ON "webhook_attempts" ("delivery_id", "attempted_at") ',
    );
    await queryRunner.query(
      'CREATE TABLE "webhook_streams" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "endpoint_id" uuid NOT NULL, "connection_id" uuid, "last_sequence" bigint NOT NULL, CONSTRAINT "PK_9c927c5f6f2ae80434d5f72448a" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "webhook_streams_application_unique" ON "webhook_streams" ("endpoint_id") WHERE connection_id IS NULL',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "webhook_streams_connection_unique" ON "webhook_streams" ("endpoint_id", "connection_id") WHERE connection_id IS NOT NULL',
    );
    await queryRunner.query(
      'ALTER TABLE "applications" ADD "last_event_sequence" bigint NOT NULL DEFAULT \'0\'',
    );
    await queryRunner.query('ALTER TABLE "events" ALTER COLUMN "connection_id" DROP NOT NULL');
    await queryRunner.query('ALTER TABLE "events" ALTER COLUMN "customer_ref" DROP NOT NULL');
    await queryRunner.query(
      'CREATE UNIQUE INDEX "events_application_sequence_unique" ON "events" ("application_id", "sequence") WHERE connection_id IS NULL',
    );
    await queryRunner.query(
      'ALTER TABLE "webhook_endpoints" ADD CONSTRAINT "FK_5f7182ad9fa5831ec2494756e6b" FOREIGN KEY ("application_id") REFERENCES "applications"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "FK_0b882c26a9b91c26e6e86b4867c" FOREIGN KEY ("endpoint_id") REFERENCES "webhook_endpoints"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "webhook_attempts" ADD CONSTRAINT "FK_0d56d91d61b827bb2079c256538" FOREIGN KEY ("delivery_id") REFERENCES "webhook_deliveries"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "webhook_streams" ADD CONSTRAINT "FK_e293522ae79980a9f582eff3fa9" FOREIGN KEY ("endpoint_id") REFERENCES "webhook_endpoints"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE "webhook_streams" DROP CONSTRAINT "FK_e293522ae79980a9f582eff3fa9"',
    );
    await queryRunner.query(
      'ALTER TABLE "webhook_attempts" DROP CONSTRAINT "FK_0d56d91d61b827bb2079c256538"',
    );
    await queryRunner.query(
      'ALTER TABLE "webhook_deliveries" DROP CONSTRAINT "FK_0b882c26a9b91c26e6e86b4867c"',
    );
    await queryRunner.query(
      'ALTER TABLE "webhook_endpoints" DROP CONSTRAINT "FK_5f7182ad9fa5831ec2494756e6b"',
    );
    await queryRunner.query('DROP INDEX "public"."events_application_sequence_unique"');
    // The application's own events have no connection and cannot survive the NOT NULL below.
    await queryRunner.query('DELETE FROM "events" WHERE "connection_id" IS NULL');
    await queryRunner.query('ALTER TABLE "events" ALTER COLUMN "customer_ref" SET NOT NULL');
    await queryRunner.query('ALTER TABLE "events" ALTER COLUMN "connection_id" SET NOT NULL');
    await queryRunner.query('ALTER TABLE "applications" DROP COLUMN "last_event_sequence"');
    await queryRunner.query('DROP INDEX "public"."webhook_streams_connection_unique"');
    await queryRunner.query('DROP INDEX "public"."webhook_streams_application_unique"');
    await queryRunner.query('DROP TABLE "webhook_streams"');
    await queryRunner.query('DROP INDEX "public"."webhook_attempts_delivery_idx"');
    await queryRunner.query('DROP TABLE "webhook_attempts"');
    await queryRunner.query('DROP INDEX "public"."webhook_deliveries_event_unique"');
    await queryRunner.query('DROP INDEX "public"."webhook_deliveries_pending_stream_idx"');
    await queryRunner.query('DROP INDEX "public"."webhook_deliveries_due_idx"');
    await queryRunner.query('DROP INDEX "public"."webhook_deliveries_endpoint_created_idx"');
    await queryRunner.query('DROP TABLE "webhook_deliveries"');
    await queryRunner.query('DROP INDEX "public"."webhook_endpoints_application_idx"');
    await queryRunner.query('DROP TABLE "webhook_endpoints"');
  }
}
