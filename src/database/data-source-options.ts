import { join } from 'node:path';
import { type DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities';

/**
 * The one TypeORM configuration, shared by the application, the migration CLI and the tests.
 * The schema comes only from migrations/ (never `synchronize`), so what runs in production is
 * what was reviewed.
 */
export function dataSourceOptions(url: string, poolSize = 10): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    // .ts under jest and the dev runner, .js once compiled into dist/migrations.
    migrations: [join(__dirname, '..', '..', 'migrations', '*.{ts,js}')],
    migrationsTableName: 'typeorm_migrations',
    migrationsTransactionMode: 'each',
    // gen_random_uuid() is built into PostgreSQL 13+: no extension to install, no DDL on connect.
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    synchronize: false,
    migrationsRun: false,
    logging: false,
    extra: { max: poolSize, application_name: 'hris-gateway' },
  };
}
