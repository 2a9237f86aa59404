import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class CreateApplications1795304383742 implements MigrationInterface {
  name = 'CreateApplications1795304383742';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "applications" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" text NOT NULL, "client_id" text NOT NULL, "client_secret_hash" text NOT NULL, "scopes" text array NOT NULL DEFAULT \'{}\', "token_version" integer NOT NULL DEFAULT \'1\', "disabled_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_19b187ccdbeb753c44a3a0be30c" UNIQUE ("client_id"), CONSTRAINT "PK_938c0a27255637bde919591888f" PRIMARY KEY ("id"))',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE "applications"');
  }
}
