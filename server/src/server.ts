import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import type { Config } from './config.js';
import type { AppContext } from './context.js';
import { connectDatabase } from './db/database.js';
import { migrate } from './db/migrate.js';
import { createApp } from './http/app.js';
import { createLogger, type Logger } from './lib/logger.js';
import { DevicePresence } from './live/device-presence.js';
import { attachDeviceUplink } from './live/device-uplink.js';
import { LivePublisher } from './live/publisher.js';
import { attachLiveSockets } from './live/socket.js';
import { createReconciliation } from './reconciliation/index.js';
import { UserRepository } from './repositories/user.repository.js';
import { RegistryChanges } from './services/registry/registry-changes.js';
import { TicketRepository } from './repositories/ticket.repository.js';
import { TicketService } from './services/ticket.service.js';
import { TokenService } from './services/tokens.js';

export interface RunningServer {
  ctx: AppContext;
  http: Server;
  url: string;
  close(): Promise<void>;
}

/** The session-signing secret: JWT_SECRET, or one generated once and kept in the data folder. */
function sessionSecret(config: Config): string {
  if (config.JWT_SECRET) return config.JWT_SECRET;
  const file = path.join(config.HAULPROOF_DATA_DIR, 'session-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(config.HAULPROOF_DATA_DIR, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

/** Migrates, wires services and listens. The database URL is already resolved. */
export async function startServer(config: Config, databaseUrl: string, log: Logger = createLogger(config.LOG_LEVEL)): Promise<RunningServer> {
  await migrate(databaseUrl, { log: (m) => log.info(m) });
  const db = connectDatabase(databaseUrl);
  const live = new LivePublisher();
  const users = new UserRepository(db.prisma);
  const tickets = new TicketService(new TicketRepository(db.pool), live);
  const registryChanges = new RegistryChanges();
  const ctx: AppContext = {
    config,
    db,
    log,
    tokens: new TokenService(sessionSecret(config), config.SESSION_TTL_HOURS),
    users,
    live,
    tickets,
    presence: new DevicePresence(),
    reconciliation: createReconciliation({ db, live, log, users, tickets, registryChanges }, { rules: config.reconRules }),
    registryChanges,
  };
  ctx.reconciliation.worker.start();
  const app = createApp(ctx);
  const http = createServer(app);
  // [live sockets]
  const liveSockets = attachLiveSockets(http, ctx);
  const deviceUplink = attachDeviceUplink(liveSockets.io, ctx);
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(config.PORT, config.HOST, () => resolve());
  });
  const addr = http.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.PORT;
  return {
    ctx,
    http,
    url: `http://127.0.0.1:${port}`,
    async close() {
      deviceUplink.close(); // before the io server it lives on
      await liveSockets.close(); // before http.close(): open websockets would keep it waiting
      http.closeAllConnections?.();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      await ctx.reconciliation.worker.stop(); // its run in progress still needs the database
      await db.close();
    },
  };
}
