import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Makes every row the sync writes cheaper for PostgreSQL; measured on a first sync of 10,000
 * employees and 50,066 absences, these three were about a quarter of the database's work per row:
 *
 * - The primary key becomes (connection_id, id). Every query names its connection, so this one
 *   index serves lookups by id and keyset pages; the separate (connection_id, id) index goes.
 * - The foreign keys to `connections` go: each cost a lookup per inserted row. Connections are
 *   never deleted by the gateway (a deleted one stays as a tombstone and its data is deleted
 *   with it, connections.service.ts), and every write happens in a transaction that locks the
 *   connection row and finds it there. The cascade stays for a row deleted by hand, or with its
 *   application: a trigger deletes the connection's data (another empties the data tables when
 *   `connections` is truncated).
 * - `toast_tuple_target = 8160`: rows are ~2-3 kB, just above PostgreSQL's default threshold
 *   (~2 kB), so nearly every one was compressed with pglz on every write and decompressed on
 *   every read. Now a row is compressed only when it is larger than a page can hold inline;
 *   the raw payloads take 1.7-1.9x the space they did.
 *
 * Builds the new keys under an exclusive lock on each data table, and locks `connections` for
 * its last statements: on a large installation, deploy it in a quiet hour.
 */
const TABLES = [
  {
    table: 'absence_types',
    oldKey: 'PK_0500dde476ca472d87d540c4efb',
    newKey: 'PK_df567f19d4e7728e904ca0649e5',
    foreignKey: 'FK_232d8282722fcdbb6b8f0752c57',
  },
  {
    table: 'absences',
    oldKey: 'PK_bd79346866fea8ac6f269252748',
    newKey: 'PK_dcabe77ae198e8c7863444bb6d9',
    foreignKey: 'FK_cda5d31dc875a48ae7f660b12d0',
  },
  {
    table: 'employees',
    oldKey: 'PK_b9535a98350d5b26e7eb0c26af4',
    newKey: 'PK_75400a4900a42cd99d3f0ae3d9c',
    foreignKey: 'FK_bc447ccaa63fd466c92b42dfa61',
  },
  {
    table: 'positions',
    oldKey: 'PK_17e4e62ccd5749b289ae3fae6f3',
    newKey: 'PK_1e1180cb00583abd1c5fc19d647',
    foreignKey: 'FK_3842acac8296a7e3d472ee14ae4',
  },
  {
    table: 'reporting_lines',
    oldKey: 'PK_6fd02bd75f21579c70f5ec8aaa2',
    newKey: 'PK_977998c51f175ddcb3689742221',
    foreignKey: 'FK_a9a6947d9008400eec4c9a56d79',
  },
  {
    table: 'teams',
    oldKey: 'PK_7e5523774a38b08a6236d322403',
    newKey: 'PK_b0751504c33905778225215d8ff',
    foreignKey: 'FK_0ea14a736f5563a474ae273eb10',
  },
] as const;

/** The staging table holds the same rows for a run's length: compressing them is wasted work. */
const INLINE_TABLES = [...TABLES.map((t) => t.table), 'sync_staging'];

export class CheaperDataWrites1796800000000 implements MigrationInterface {
  name = 'CheaperDataWrites1796800000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const { table, oldKey, newKey } of TABLES) {
      await queryRunner.query(`ALTER TABLE "${table}" DROP CONSTRAINT "${oldKey}"`);
      await queryRunner.query(
        `ALTER TABLE "${table}" ADD CONSTRAINT "${newKey}" PRIMARY KEY ("connection_id", "id")`,
      );
      await queryRunner.query(`DROP INDEX "public"."${table}_connection_id_idx"`);
    }
    for (const table of INLINE_TABLES) {
      await queryRunner.query(`ALTER TABLE "${table}" SET (toast_tuple_target = 8160)`);
    }
    // Last: dropping a foreign key also locks `connections` (every token request and sync reads
    // it) until the migration commits, so only for these final statements, not the key builds.
    for (const { table, foreignKey } of TABLES) {
      await queryRunner.query(`ALTER TABLE "${table}" DROP CONSTRAINT "${foreignKey}"`);
    }
    await queryRunner.query(
      `CREATE FUNCTION delete_connection_data() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         ${TABLES.map(({ table }) => `DELETE FROM "${table}" WHERE connection_id = OLD.id;`).join('\n         ')}
         RETURN OLD;
       END $$`,
    );
    await queryRunner.query(
      `CREATE TRIGGER connections_delete_data AFTER DELETE ON "connections"
       FOR EACH ROW EXECUTE FUNCTION delete_connection_data()`,
    );
    // Row triggers do not fire on TRUNCATE, which the foreign keys' CASCADE followed too.
    await queryRunner.query(
      `CREATE FUNCTION truncate_connection_data() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         TRUNCATE ${TABLES.map(({ table }) => `"${table}"`).join(', ')};
         RETURN NULL;
       END $$`,
    );
    await queryRunner.query(
      `CREATE TRIGGER connections_truncate_data AFTER TRUNCATE ON "connections"
       FOR EACH STATEMENT EXECUTE FUNCTION truncate_connection_data()`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of INLINE_TABLES) {
      await queryRunner.query(`ALTER TABLE "${table}" RESET (toast_tuple_target)`);
    }
    await queryRunner.query(`DROP TRIGGER connections_truncate_data ON "connections"`);
    await queryRunner.query(`DROP FUNCTION truncate_connection_data()`);
    await queryRunner.query(`DROP TRIGGER connections_delete_data ON "connections"`);
    await queryRunner.query(`DROP FUNCTION delete_connection_data()`);
    for (const { table, oldKey, newKey, foreignKey } of TABLES) {
      await queryRunner.query(
        `CREATE INDEX "${table}_connection_id_idx" ON "${table}" ("connection_id", "id")`,
      );
      await queryRunner.query(`ALTER TABLE "${table}" DROP CONSTRAINT "${newKey}"`);
      await queryRunner.query(
        `ALTER TABLE "${table}" ADD CONSTRAINT "${oldKey}" PRIMARY KEY ("id")`,
      );
      // The triggers leave no rows of a deleted connection; any row they could not see (written
      // with triggers disabled, `session_replication_role = replica`) would fail the constraint.
      await queryRunner.query(
        `DELETE FROM "${table}" t WHERE NOT EXISTS (SELECT 1 FROM connections c WHERE c.id = t.connection_id)`,
      );
      await queryRunner.query(
        `ALTER TABLE "${table}" ADD CONSTRAINT "${foreignKey}" FOREIGN KEY ("connection_id") REFERENCES "connections"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
      );
    }
  }
}
