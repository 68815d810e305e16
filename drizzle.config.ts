import { defineConfig } from 'drizzle-kit';

/**
 * `npx drizzle-kit generate` writes SQL migrations for the schema into worker/drizzle. Migrations are applied at
 * runtime by `migrate()` in worker/src/db/migrate.ts (PGlite and PostgreSQL alike), not by drizzle-kit.
 */
export default defineConfig({
  dialect: 'postgresql',
  schema: './worker/src/db/schema.ts',
  out: './worker/drizzle',
});
