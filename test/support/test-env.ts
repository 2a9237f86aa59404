/**
 * What the jest global setup hands to every test file: an admin URL of the test PostgreSQL
 * server and the name of a migrated template database to clone per file.
 * Passed through environment variables because jest workers are separate processes.
 */
export const TEST_ADMIN_URL_VAR = 'HRIS_TEST_ADMIN_DATABASE_URL';
export const TEST_TEMPLATE_VAR = 'HRIS_TEST_TEMPLATE_DATABASE';

export function testDatabaseEnv(): { adminUrl: string; template: string } {
  const adminUrl = process.env[TEST_ADMIN_URL_VAR];
  const template = process.env[TEST_TEMPLATE_VAR];
  if (!adminUrl || !template) {
    throw new Error(
      'test database not set up: run tests through jest (npm test), which runs test/support/global-setup.ts',
    );
  }
  return { adminUrl, template };
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
