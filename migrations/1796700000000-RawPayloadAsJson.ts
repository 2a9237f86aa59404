import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The raw provider payload (`remote_data`) is stored as `json`, not `jsonb`: it is only ever
 * written whole and served whole (never queried inside), so PostgreSQL need not build a binary
 * tree of it on every write, which was the larger part of a first sync's database CPU (absence
 * payloads carry one breakdown per day). Stored as the JSON text the sync wrote (rows converted
 * here keep jsonb's normalised form). Rewrites each table under an exclusive lock: on a large
 * installation, deploy it in a quiet hour. `down` fails if a payload holds a \u0000 escape, which
 * json accepts and jsonb does not.
 */
const TABLES = [
  'employees',
  'teams',
  'positions',
  'reporting_lines',
  'absence_types',
  'absences',
  'sync_staging',
] as const;

export class RawPayloadAsJson1796700000000 implements MigrationInterface {
  name = 'RawPayloadAsJson1796700000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const table of TABLES) {
      await queryRunner.query(
        `ALTER TABLE "${table}" ALTER COLUMN "remote_data" TYPE json USING "remote_data"::json`,
      );
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of TABLES) {
      await queryRunner.query(
        `ALTER TABLE "${table}" ALTER COLUMN "remote_data" TYPE jsonb USING "remote_data"::jsonb`,
      );
    }
  }
}
