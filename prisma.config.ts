// Prisma CLI configuration. The server applies migrations itself (server/src/db/migrate.ts);
// this file lets `prisma migrate deploy` and `prisma generate` find the same schema elsewhere.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost:5432/haulproof' },
});
