import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class SyncEngine1795312811458 implements MigrationInterface {
  name = 'SyncEngine1795312811458';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "absence_types" ("id" uuid NOT NULL, "connection_id" uuid NOT NULL, "remote_id" text NOT NULL, "hash" text NOT NULL, "data" jsonb NOT NULL, "remote_data" jsonb, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "remote_deleted_at" TIMESTAMP(3) WITH TIME ZONE, "deletion_reason" text, "name" text NOT NULL, CONSTRAINT "PK_0500dde476ca472d87d540c4efb" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "absence_types_connection_updated_idx" ON "absence_types" ("connection_id", "updated_at", "id") ',
    );
    await queryRunner.query(
      'CREATE INDEX "absence_types_connection_id_idx" ON "absence_types" ("connection_id", "id") ',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "absence_types_connection_remote_unique" ON "absence_types" ("connection_id", "remote_id") ',
    );
    await queryRunner.query(
      'CREATE TABLE "absences" ("id" uuid NOT NULL, "connection_id" uuid NOT NULL, "remote_id" text NOT NULL, "hash" text NOT NULL, "data" jsonb NOT NULL, "remote_data" jsonb, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "remote_deleted_at" TIMESTAMP(3) WITH TIME ZONE, "deletion_reason" text, "employee_id" uuid NOT NULL, "absence_type_id" uuid, "status" text, "start_date" date NOT NULL, "end_date" date NOT NULL, CONSTRAINT "PK_bd79346866fea8ac6f269252748" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "absences_connection_dates_idx" ON "absences" ("connection_id", "end_date", "start_date") ',
    );
    await queryRunner.query(
      'CREATE INDEX "absences_connection_employee_idx" ON "absences" ("connection_id", "employee_id") ',
    );
    await queryRunner.query(
      'CREATE INDEX "absences_connection_updated_idx" ON "absences" ("connection_id", "updated_at", "id") ',
    );
    await queryRunner.query(
      'CREATE INDEX "absences_connection_id_idx" ON "absences" ("connection_id", "id") ',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "absences_connection_remote_unique" ON "absences" ("connection_id", "remote_id") ',
    );
    await queryRunner.query(
      'CREATE TABLE "employees" ("id" uuid NOT NULL, "connection_id" uuid NOT NULL, "remote_id" text NOT NULL, "hash" text NOT NULL, "data" jsonb NOT NULL, "remote_data" jsonb, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "remote_deleted_at" TIMESTAMP(3) WITH TIME ZONE, "deletion_reason" text, "status" text, "employment_type" text, "email_lower" text, "manager_id" uuid, "team_id" uuid, "department_id" uuid, "position_id" uuid, "hire_date" date, "termination_date" date, "started_notified_on" date, "terminated_notified_on" date, CONSTRAINT "PK_b9535a98350d5b26e7eb0c26af4" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "employees_connection_position_idx" ON "employees" ("connection_id", "position_id") ',
    );
    await queryRunner.query(
      'CREATE INDEX "employees_connection_department_idx" ON "employees" ("connection_id", "department_id") ',
    );
    await queryRunner.query(
      'CREATE INDEX "employees_connection_team_idx" ON "employees" ("connection_id", "team_id") ',
    );
    await queryRunner.query(
      'CREATE INDEX "employees_connection_manager_idx" ON "employees" ("connection_id", "manager_id") ',
    );
    await queryRunner.query(
      'CREATE INDEX "employees_connection_email_idx" ON "employees" ("connection_id", "email_lower") ',
    );
    await queryRunner.query(
      'CREATE INDEX "employees_connection_updated_idx" ON "employees" ("connection_id", "updated_at", "id") ',
    );
    await queryRunner.query(
      'CREATE INDEX "employees_connection_id_idx" ON "employees" ("connection_id", "id") ',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "employees_connection_remote_unique" ON "employees" ("connection_id", "remote_id") ',
    );
    await queryRunner.query(
      'CREATE TABLE "positions" ("id" uuid NOT NULL, "connection_id" uuid NOT NULL, "remote_id" text NOT NULL, "hash" text NOT NULL, "data" jsonb NOT NULL, "remote_data" jsonb, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "remote_deleted_at" TIMESTAMP(3) WITH TIME ZONE, "deletion_reason" text, "title" text NOT NULL, CONSTRAINT "PK_17e4e62ccd5749b289ae3fae6f3" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "positions_connection_updated_idx" ON "positions" ("connection_id", "updated_at", "id") ',
    );
    await queryRunner.query(
      'CREATE INDEX "positions_connection_id_idx" ON "positions" ("connection_id", "id") ',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "positions_connection_remote_unique" ON "positions" ("connection_id", "remote_id") ',
    );
    await queryRunner.query(
      'CREATE TABLE "reporting_lines" ("id" uuid NOT NULL, "connection_id" uuid NOT NULL, "remote_id" text NOT NULL, "hash" text NOT NULL, "data" jsonb NOT NULL, "remote_data" jsonb, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "remote_deleted_at" TIMESTAMP(3) WITH TIME ZONE, "deletion_reason" text, "employee_id" uuid NOT NULL, "manager_id" uuid NOT NULL, CONSTRAINT "PK_6fd02bd75f21579c70f5ec8aaa2" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "reporting_lines_connection_manager_idx" ON "reporting_lines" ("connection_id", "manager_id") ',
    );
    await queryRunner.query(
      'CREATE INDEX "reporting_lines_connection_updated_idx" ON "reporting_lines" ("connection_id", "updated_at", "id") ',
    );
    await queryRunner.query(
      'CREATE INDEX "reporting_lines_connection_id_idx" ON "reporting_lines" ("connection_id", "id") ',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "reporting_lines_connection_remote_unique" ON "reporting_lines" ("connection_id", "remote_id") ',
    );
    await queryRunner.query(
      'CREATE TABLE "teams" ("id" uuid NOT NULL, "connection_id" uuid NOT NULL, "remote_id" text NOT NULL, "hash" text NOT NULL, "data" jsonb NOT NULL, "remote_data" jsonb, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "remote_deleted_at" TIMESTAMP(3) WITH TIME ZONE, "deletion_reason" text, "type" text NOT NULL, "parent_id" uuid, CONSTRAINT "PK_7e5523774a38b08a6236d322403" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "teams_connection_parent_idx" ON "teams" ("connection_id", "parent_id") ',
    );
    await queryRunner.query(
      'CREATE INDEX "teams_connection_updated_idx" ON "teams" ("connection_id", "updated_at", "id") ',
    );
    await queryRunner.query(
      'CREATE INDEX "teams_connection_id_idx" ON "teams" ("connection_id", "id") ',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "teams_connection_remote_unique" ON "teams" ("connection_id", "remote_id") ',
    );
    await queryRunner.query(
      'CREATE TABLE "sync_runs" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "application_id" uuid NOT NULL, "connection_id" uuid NOT NULL, "trigger" text NOT NULL, "actor" jsonb, "status" text NOT NULL DEFAULT \'queued\', "queued_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "started_at" TIMESTAMP(3) WITH TIME ZONE, "finished_at" TIMESTAMP(3) WITH TIME ZONE, "heartbeat_at" TIMESTAMP(3) WITH TIME ZONE, "worker_id" text, "progress" jsonb NOT NULL, "counts" jsonb NOT NULL DEFAULT \'{}\', "requests" jsonb, "deletion_guard" jsonb, "error" jsonb, "warnings" jsonb NOT NULL DEFAULT \'[]\', "confirms_run_id" uuid, "confirmed_at" TIMESTAMP(3) WITH TIME ZONE, "follow_up_run_id" uuid, CONSTRAINT "PK_adf13fff41a683b3b991fb90b11" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "sync_runs_running_heartbeat_idx" ON "sync_runs" ("heartbeat_at") WHERE status = \'running\'',
    );
    await queryRunner.query(
      'CREATE INDEX "sync_runs_queue_idx" ON "sync_runs" ("queued_at") WHERE status = \'queued\'',
    );
    await queryRunner.query(
      'CREATE INDEX "sync_runs_application_queued_idx" ON "sync_runs" ("application_id", "queued_at", "id") ',
    );
    await queryRunner.query(
      'CREATE INDEX "sync_runs_connection_queued_idx" ON "sync_runs" ("connection_id", "queued_at", "id") ',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "sync_runs_one_active_per_connection" ON "sync_runs" ("connection_id") WHERE status IN (\'queued\', \'running\')',
    );
    // UNLOGGED on purpose (hand edit): staging is disposable and must not cost WAL or replicas.
    await queryRunner.query(
      'CREATE UNLOGGED TABLE "sync_staging" ("run_id" uuid NOT NULL, "resource" text NOT NULL, "remote_id" text NOT NULL, "id" uuid NOT NULL, "hash" text NOT NULL, "data" jsonb NOT NULL, "remote_data" jsonb, "columns" jsonb NOT NULL, CONSTRAINT "PK_4ef1607fc249c5af08a4672f26a" PRIMARY KEY ("run_id", "resource", "remote_id"))',
    );
    await queryRunner.query(
      'ALTER TABLE "connections" ADD "next_sync_at" TIMESTAMP(3) WITH TIME ZONE',
    );
    await queryRunner.query(
      'ALTER TABLE "connections" ADD "last_synced_at" TIMESTAMP(3) WITH TIME ZONE',
    );
    await queryRunner.query(
      'ALTER TABLE "connections" ADD "consecutive_failures" integer NOT NULL DEFAULT \'0\'',
    );
    // Hand edit: connections connected before the scheduler existed are due at once.
    await queryRunner.query(
      `UPDATE "connections" SET "next_sync_at" = now() WHERE "status" = 'connected'`,
    );
    await queryRunner.query(
      'CREATE INDEX "connections_next_sync_idx" ON "connections" ("next_sync_at") WHERE status = \'connected\'',
    );
    await queryRunner.query(
      'ALTER TABLE "absence_types" ADD CONSTRAINT "FK_232d8282722fcdbb6b8f0752c57" FOREIGN KEY ("connection_id") REFERENCES "connections"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "absences" ADD CONSTRAINT "FK_cda5d31dc875a48ae7f660b12d0" FOREIGN KEY ("connection_id") REFERENCES "connections"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "employees" ADD CONSTRAINT "FK_bc447ccaa63fd466c92b42dfa61" FOREIGN KEY ("connection_id") REFERENCES "connections"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "positions" ADD CONSTRAINT "FK_3842acac8296a7e3d472ee14ae4" FOREIGN KEY ("connection_id") REFERENCES "connections"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "reporting_lines" ADD CONSTRAINT "FK_a9a6947d9008400eec4c9a56d79" FOREIGN KEY ("connection_id") REFERENCES "connections"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "teams" ADD CONSTRAINT "FK_0ea14a736f5563a474ae273eb10" FOREIGN KEY ("connection_id") REFERENCES "connections"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "sync_runs" ADD CONSTRAINT "FK_87c45b71e7b5f3dd7d75354e202" FOREIGN KEY ("connection_id") REFERENCES "connections"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE "sync_runs" DROP CONSTRAINT "FK_87c45b71e7b5f3dd7d75354e202"',
    );
    await queryRunner.query('ALTER TABLE "teams" DROP CONSTRAINT "FK_0ea14a736f5563a474ae273eb10"');
    await queryRunner.query(
      'ALTER TABLE "reporting_lines" DROP CONSTRAINT "FK_a9a6947d9008400eec4c9a56d79"',
    );
    await queryRunner.query(
      'ALTER TABLE "positions" DROP CONSTRAINT "FK_3842acac8296a7e3d472ee14ae4"',
    );
    await queryRunner.query(
      'ALTER TABLE "employees" DROP CONSTRAINT "FK_bc447ccaa63fd466c92b42dfa61"',
    );
    await queryRunner.query(
      'ALTER TABLE "absences" DROP CONSTRAINT "FK_cda5d31dc875a48ae7f660b12d0"',
    );
    await queryRunner.query(
      'ALTER TABLE "absence_types" DROP CONSTRAINT "FK_232d8282722fcdbb6b8f0752c57"',
    );
    await queryRunner.query('DROP INDEX "public"."connections_next_sync_idx"');
    await queryRunner.query('ALTER TABLE "connections" DROP COLUMN "consecutive_failures"');
    await queryRunner.query('ALTER TABLE "connections" DROP COLUMN "last_synced_at"');
    await queryRunner.query('ALTER TABLE "connections" DROP COLUMN "next_sync_at"');
    await queryRunner.query('DROP TABLE "sync_staging"');
    await queryRunner.query('DROP INDEX "public"."sync_runs_one_active_per_connection"');
    await queryRunner.query('DROP INDEX "public"."sync_runs_connection_queued_idx"');
    await queryRunner.query('DROP INDEX "public"."sync_runs_application_queued_idx"');
    await queryRunner.query('DROP INDEX "public"."sync_runs_queue_idx"');
    await queryRunner.query('DROP INDEX "public"."sync_runs_running_heartbeat_idx"');
    await queryRunner.query('DROP TABLE "sync_runs"');
    await queryRunner.query('DROP INDEX "public"."teams_connection_remote_unique"');
    await queryRunner.query('DROP INDEX "public"."teams_connection_id_idx"');
    await queryRunner.query('DROP INDEX "public"."teams_connection_updated_idx"');
    await queryRunner.query('DROP INDEX "public"."teams_connection_parent_idx"');
    await queryRunner.query('DROP TABLE "teams"');
    await queryRunner.query('DROP INDEX "public"."reporting_lines_connection_remote_unique"');
    await queryRunner.query('DROP INDEX "public"."reporting_lines_connection_id_idx"');
    await queryRunner.query('DROP INDEX "public"."reporting_lines_connection_updated_idx"');
    await queryRunner.query('DROP INDEX "public"."reporting_lines_connection_manager_idx"');
    await queryRunner.query('DROP TABLE "reporting_lines"');
    await queryRunner.query('DROP INDEX "public"."positions_connection_remote_unique"');
    await queryRunner.query('DROP INDEX "public"."positions_connection_id_idx"');
    await queryRunner.query('DROP INDEX "public"."positions_connection_updated_idx"');
    await queryRunner.query('DROP TABLE "positions"');
    await queryRunner.query('DROP INDEX "public"."employees_connection_remote_unique"');
    await queryRunner.query('DROP INDEX "public"."employees_connection_id_idx"');
    await queryRunner.query('DROP INDEX "public"."employees_connection_updated_idx"');
    await queryRunner.query('DROP INDEX "public"."employees_connection_email_idx"');
    await queryRunner.query('DROP INDEX "public"."employees_connection_manager_idx"');
    await queryRunner.query('DROP INDEX "public"."employees_connection_team_idx"');
    await queryRunner.query('DROP INDEX "public"."employees_connection_department_idx"');
    await queryRunner.query('DROP INDEX "public"."employees_connection_position_idx"');
    await queryRunner.query('DROP TABLE "employees"');
    await queryRunner.query('DROP INDEX "public"."absences_connection_remote_unique"');
    await queryRunner.query('DROP INDEX "public"."absences_connection_id_idx"');
    await queryRunner.query('DROP INDEX "public"."absences_connection_updated_idx"');
    await queryRunner.query('DROP INDEX "public"."absences_connection_employee_idx"');
    await queryRunner.query('DROP INDEX "public"."absences_connection_dates_idx"');
    await queryRunner.query('DROP TABLE "absences"');
    await queryRunner.query('DROP INDEX "public"."absence_types_connection_remote_unique"');
    await queryRunner.query('DROP INDEX "public"."absence_types_connection_id_idx"');
    await queryRunner.query('DROP INDEX "public"."absence_types_connection_updated_idx"');
    await queryRunner.query('DROP TABLE "absence_types"');
  }
}
