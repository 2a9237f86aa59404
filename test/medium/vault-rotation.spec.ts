import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { generateKeyRingEntry, KeyRing } from '../../src/vault/key-ring';
import { SEALED_COLUMNS, sealingContext } from '../../src/vault/sealed-columns';
import { Vault } from '../../src/vault/vault';
import { countStaleValues, rotateSealedValues } from '../../src/vault/vault-rotation';
import { createMigratedDatabase, type TestDatabase } from '../support/database';

const CONNECTIONS = 300;

describe('vault rotation (medium, real PostgreSQL)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await createMigratedDatabase();
    dataSource = await new DataSource(dataSourceOptions(database.url, 6)).initialize();
  });
  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  it('re-seals every secret to the active key while readers keep reading, losing no read', async () => {
    const v1 = generateKeyRingEntry('v1');
    const old = await Vault.create(KeyRing.parse(v1));
    const [app] = await dataSource.query<Array<{ id: string }>>(
      `INSERT INTO applications (name, client_id, client_secret_hash) VALUES ('A', 'app_rot', 'x') RETURNING id`,
    );
    const expected = new Map<string, string>();
    for (let i = 0; i < CONNECTIONS; i++) {
      const id = randomUUID();
      const secret = `secret-${i}-${randomUUID()}`;
      expected.set(id, secret);
      await dataSource.query(
        `INSERT INTO connections (id, application_id, customer_ref, credentials) VALUES ($1, $2, $3, $4)`,
        [id, app?.id, `c${i}`, old.seal(secret, sealingContext.connectionCredentials(id))],
      );
    }
    await dataSource.query(
      `INSERT INTO signing_keys (kid, algorithm, public_jwk, private_jwk) VALUES ('k1', 'EdDSA', '{}', $1)`,
      [old.seal('{"d":"private"}', sealingContext.signingKey('k1'))],
    );

    const v2 = generateKeyRingEntry('v2');
    const rotated = await Vault.create(KeyRing.parse(`${v2},${v1}`));
    expect(await countStaleValues(dataSource, rotated)).toBe(CONNECTIONS + 1);

    let reading = true;
    let reads = 0;
    const failures: string[] = [];
    const reader = (async () => {
      while (reading) {
        const rows = await dataSource.query<Array<{ id: string; credentials: string }>>(
          'SELECT id, credentials FROM connections',
        );
        for (const row of rows) {
          try {
            const secret = rotated.open(
              row.credentials,
              sealingContext.connectionCredentials(row.id),
            );
            if (secret !== expected.get(row.id)) failures.push(`${row.id}: wrong plaintext`);
          } catch (error) {
            failures.push(`${row.id}: ${String(error)}`);
          }
          reads++;
        }
      }
    })();

    // Two rotations at once: compare-and-swap keeps them from undoing each other.
    const reports = await Promise.all([
      rotateSealedValues(dataSource, rotated, { batchSize: 25 }),
      rotateSealedValues(dataSource, rotated, { batchSize: 40 }),
    ]);
    reading = false;
    await reader;

    expect(failures).toEqual([]);
    expect(reads).toBeGreaterThan(CONNECTIONS);
    expect(await countStaleValues(dataSource, rotated)).toBe(0);
    expect(reports.reduce((n, r) => n + r.resealed, 0)).toBe(CONNECTIONS + 1);

    // Nothing is left that only the old key opens, and every value opens with the new key alone.
    const newOnly = await Vault.create(KeyRing.parse(generateKeyRingEntry('v2')));
    expect(newOnly.activeVersion).toBe('v2');
    const rows = await dataSource.query<Array<{ id: string; credentials: string }>>(
      'SELECT id, credentials FROM connections',
    );
    for (const row of rows) expect(row.credentials.startsWith('sv1.v2.')).toBe(true);
    for (const row of rows) {
      expect(rotated.open(row.credentials, sealingContext.connectionCredentials(row.id))).toBe(
        expected.get(row.id),
      );
    }
  });

  it('knows every column it rotates', async () => {
    for (const { table, column } of SEALED_COLUMNS) {
      const found = await dataSource.query<unknown[]>(
        `SELECT 1 FROM information_schema.columns WHERE table_name = $1 AND column_name = $2`,
        [table, column],
      );
      expect(found).toHaveLength(1);
    }
  });
});
