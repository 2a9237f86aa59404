import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class ConnectionsSessionsEventsKeys1795306341351 implements MigrationInterface {
  name = 'ConnectionsSessionsEventsKeys1795306341351';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "connections" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "application_id" uuid NOT NULL, "customer_ref" text NOT NULL, "provider" text NOT NULL DEFAULT \'personio\', "status" text NOT NULL DEFAULT \'pending\', "status_reason" text, "settings" jsonb NOT NULL DEFAULT \'{}\', "credentials" text, "last_event_sequence" bigint NOT NULL DEFAULT \'0\', "connected_at" TIMESTAMP(3) WITH TIME ZONE, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_0a1f844af3122354cbd487a8d03" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "connections_application_id_idx" ON "connections" ("application_id") ',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "connections_customer_ref_unique" ON "connections" ("application_id", "customer_ref") WHERE status <> \'deleted\'',
    );
    await queryRunner.query(
      'CREATE TABLE "connect_sessions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "application_id" uuid NOT NULL, "connection_id" uuid NOT NULL, "token_hash" text NOT NULL, "redirect_url" text, "state" text, "expires_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "consumed_at" TIMESTAMP(3) WITH TIME ZONE, "failed_attempts" integer NOT NULL DEFAULT \'0\', "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_982053319b186a5483cb7be9321" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "connect_sessions_application_id_idx" ON "connect_sessions" ("application_id") ',
    );
    await queryRunner.query(
      'CREATE INDEX "connect_sessions_connection_id_idx" ON "connect_sessions" ("connection_id") ',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "connect_sessions_token_hash_unique" ON "connect_sessions" ("token_hash") ',
    );
    await queryRunner.query(
      'CREATE TABLE "events" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "application_id" uuid NOT NULL, "connection_id" uuid NOT NULL, "customer_ref" text NOT NULL, "sequence" bigint NOT NULL, "type" text NOT NULL, "occurred_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "data" jsonb NOT NULL, CONSTRAINT "PK_40731c7151fe4be3116e45ddf73" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "events_application_id_idx" ON "events" ("application_id") ',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "events_connection_sequence_unique" ON "events" ("connection_id", "sequence") ',
    );
    await queryRunner.query(
      'CREATE TABLE "signing_keys" ("kid" text NOT NULL, "algorithm" text NOT NULL, "public_jwk" jsonb NOT NULL, "private_jwk" text NOT NULL, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "retired_at" TIMESTAMP(3) WITH TIME ZONE, CONSTRAINT "PK_13362ac3e792c69417e1a53d355" PRIMARY KEY ("kid"))',
    );
    await queryRunner.query('ALTER TABLE "applications" ADD "logo_text" text');
    await queryRunner.query(
      'ALTER TABLE "applications" ADD "required_attributes" text array NOT NULL DEFAULT \'{}\'',
    );
    await queryRunner.query(
      'ALTER TABLE "applications" ADD "default_settings" jsonb NOT NULL DEFAULT \'{}\'',
    );
    await queryRunner.query(
      'ALTER TABLE "applications" ADD "redirect_urls" text array NOT NULL DEFAULT \'{}\'',
    );
    await queryRunner.query(
      'ALTER TABLE "connections" ADD CONSTRAINT "FK_7b21dbd15336a48d27bae14f123" FOREIGN KEY ("application_id") REFERENCES "applications"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "connect_sessions" ADD CONSTRAINT "FK_50a94bfe7a5fcdfda5184bcfd5b" FOREIGN KEY ("application_id") REFERENCES "applications"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "connect_sessions" ADD CONSTRAINT "FK_28bc860feac289087b2eae196c3" FOREIGN KEY ("connection_id") REFERENCES "connections"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE "connect_sessions" DROP CONSTRAINT "FK_28bc860feac289087b2eae196c3"',
    );
    await queryRunner.query(
      'ALTER TABLE "connect_sessions" DROP CONSTRAINT "FK_50a94bfe7a5fcdfda5184bcfd5b"',
    );
    await queryRunner.query(
      'ALTER TABLE "connections" DROP CONSTRAINT "FK_7b21dbd15336a48d27bae14f123"',
    );
    await queryRunner.query('ALTER TABLE "applications" DROP COLUMN "redirect_urls"');
    await queryRunner.query('ALTER TABLE "applications" DROP COLUMN "default_settings"');
    await queryRunner.query('ALTER TABLE "applications" DROP COLUMN "required_attributes"');
    await queryRunner.query('ALTER TABLE "applications" DROP COLUMN "logo_text"');
    await queryRunner.query('DROP TABLE "signing_keys"');
    await queryRunner.query('DROP INDEX "public"."events_connection_sequence_unique"');
    await queryRunner.query('DROP INDEX "public"."events_application_id_idx"');
    await queryRunner.query('DROP TABLE "events"');
    await queryRunner.query('DROP INDEX "public"."connect_sessions_token_hash_unique"');
    await queryRunner.query('DROP INDEX "public"."connect_sessions_connection_id_idx"');
    await queryRunner.query('DROP INDEX "public"."connect_sessions_application_id_idx"');
    await queryRunner.query('DROP TABLE "connect_sessions"');
    await queryRunner.query('DROP INDEX "public"."connections_customer_ref_unique"');
    await queryRunner.query('DROP INDEX "public"."connections_application_id_idx"');
    await queryRunner.query('DROP TABLE "connections"');
  }
}
