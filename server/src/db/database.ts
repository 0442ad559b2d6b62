import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../generated/prisma/client.js';

/** The role the application runs as: SELECT/INSERT only on ledger tables (see the init migration). */
export const APP_ROLE = 'haulproof_app';

export interface Database {
  prisma: PrismaClient;
  pool: pg.Pool;
  close(): Promise<void>;
}

export function connectDatabase(url: string, opts: { max?: number } = {}): Database {
  // `options=-c role=…` makes every pooled connection act as the restricted role
  // from its first statement; the login user only needs membership of it.
  const pool = new pg.Pool({ connectionString: url, max: opts.max ?? 20, options: `-c role=${APP_ROLE} -c TimeZone=UTC` });
  pool.on('error', () => undefined); // an idle client's socket error must not crash the server; the next checkout reconnects
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    prisma,
    pool,
    async close() {
      await prisma.$disconnect();
      await pool.end().catch(() => undefined);
    },
  };
}
