import type { Config } from './config.js';
import type { Database } from './db/database.js';
import type { Logger } from './lib/logger.js';
import type { DevicePresence } from './live/device-presence.js';
import type { LivePublisher } from './live/publisher.js';
import type { Reconciliation } from './reconciliation/index.js';
import type { RegistryChanges } from './services/registry/registry-changes.js';
import type { TokenService } from './services/tokens.js';
import type { UserRepository } from './repositories/user.repository.js';
import type { TicketService } from './services/ticket.service.js';

/** What route modules may depend on. Each service takes only the pieces it uses. */
export interface AppContext {
  config: Config;
  db: Database;
  log: Logger;
  tokens: TokenService;
  users: UserRepository;
  live: LivePublisher;
  tickets: TicketService;
  presence: DevicePresence; // which station devices have a live uplink to this process
  reconciliation: Reconciliation; // derived figures, custody and anomalies, kept current from ticket events
  registryChanges: RegistryChanges; // registry edits, announced in-process; reconciliation recomputes the days they reach
}
