/**
 * `npm run migration:run | migration:revert | migration:generate -- <Name> | migration:check`
 *
 * Works against DATABASE_URL, or the embedded PostgreSQL in DATA_DIR when it is unset (the
 * same one `npm start` uses). `generate` writes migrations/<timestamp>-<Name>.ts from the
 * difference between the entities and the database; read and edit it before committing.
 * `check` exits 1 when the entities and the migrated schema disagree (CI's drift check).
 */
import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { ConfigError, loadConfig } from '../../config/app-config';
import { projectRoot } from '../../common/project-root';
import { dataSourceOptions } from '../data-source-options';
import { openDatabaseServer } from '../database-server';
import { pendingSchemaChanges, renderMigration, runPendingMigrations } from '../migrator';

const USAGE = 'usage: migrate.cli <run | revert | generate <PascalCaseName> | check>';

async function main(argv: string[]): Promise<number> {
  const [command, name] = argv;
  if (!command || !['run', 'revert', 'generate', 'check'].includes(command)) {
    process.stderr.write(`${USAGE}\n`);
    return 64;
  }
  if (command === 'generate' && !/^[A-Z][A-Za-z0-9]+$/.test(name ?? '')) {
    process.stderr.write(`a PascalCase migration name is required\n${USAGE}\n`);
    return 64;
  }

  const config = loadConfig(process.env);
  const server = await openDatabaseServer(config, (level, message) => {
    if (level !== 'debug') process.stderr.write(`${message}\n`);
  });
  const dataSource = await new DataSource(dataSourceOptions(server.url, 2)).initialize();
  try {
    switch (command) {
      case 'run': {
        const applied = await runPendingMigrations(dataSource);
        process.stdout.write(
          applied.length
            ? applied.map((m) => `applied ${m.name}\n`).join('')
            : 'no pending migrations\n',
        );
        return 0;
      }
      case 'revert':
        await dataSource.undoLastMigration({ transaction: 'each' });
        process.stdout.write('reverted the last migration\n');
        return 0;
      case 'generate': {
        await runPendingMigrations(dataSource);
        const { up, down } = await pendingSchemaChanges(dataSource);
        if (up.length === 0) {
          process.stdout.write('the schema already matches the entities; nothing to generate\n');
          return 0;
        }
        const timestamp = Date.now();
        const file = join(projectRoot(), 'migrations', `${timestamp}-${name}.ts`);
        writeFileSync(file, renderMigration(name as string, timestamp, up, down));
        execFileSync('npx', ['prettier', '--write', file], { stdio: 'ignore' });
        process.stdout.write(`wrote ${file}; read it, then commit it\n`);
        return 0;
      }
      default: {
        await runPendingMigrations(dataSource);
        const { up } = await pendingSchemaChanges(dataSource);
        if (up.length === 0) {
          process.stdout.write('no drift: the migrations produce exactly the entities\n');
          return 0;
        }
        process.stderr.write(`drift: the entities need a migration:\n${up.join(';\n')}\n`);
        return 1;
      }
    }
  } finally {
    await dataSource.destroy();
    await server.stop();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      error instanceof ConfigError
        ? `${error.message}\n`
        : `migration command failed: ${String(error)}\n`,
    );
    process.exit(1);
  },
);
