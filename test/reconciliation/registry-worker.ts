// A running reconciliation worker on a harness database, wired as server.ts wires it:
// registry services announce their edits, the worker recomputes the days they reach.
// Its clock stands at the harness's asOf, so its rows compare with recomputeRange's.
import type { ReconciliationUpdate } from '@haulproof/contracts';
import { createLogger } from '../../server/src/lib/logger.js';
import { LivePublisher, type LiveMessage } from '../../server/src/live/publisher.js';
import { createReconciliation, type Reconciliation } from '../../server/src/reconciliation/index.js';
import { PermitRepository } from '../../server/src/repositories/registry/permit.repository.js';
import { RouteRepository } from '../../server/src/repositories/registry/route.repository.js';
import { SiteRepository } from '../../server/src/repositories/registry/site.repository.js';
import { VehicleRepository } from '../../server/src/repositories/registry/vehicle.repository.js';
import { TicketRepository } from '../../server/src/repositories/ticket.repository.js';
import { UserRepository } from '../../server/src/repositories/user.repository.js';
import { PermitService } from '../../server/src/services/registry/permit.service.js';
import { RegistryChanges } from '../../server/src/services/registry/registry-changes.js';
import { RouteService } from '../../server/src/services/registry/route.service.js';
import { TicketService } from '../../server/src/services/ticket.service.js';
import type { ReconHarness } from './harness.js';

export const CHUNK_DAYS = 3;

export interface RegistryWorker {
  recon: Reconciliation;
  permits: PermitService;
  routes: RouteService;
  heard: LiveMessage[];
  /** The `reconciliation.updated` payloads heard since the last clear. */
  updates(): ReconciliationUpdate[];
  activeKeys(): Promise<string[]>;
  stop(): Promise<void>;
}

export function registryWorker(h: ReconHarness): RegistryWorker {
  const live = new LivePublisher();
  const heard: LiveMessage[] = [];
  live.subscribe((m) => heard.push(m));
  const changes = new RegistryChanges();
  const prisma = h.db.prisma;
  const recon = createReconciliation(
    { db: h.db, live, log: createLogger('silent'), users: new UserRepository(prisma), tickets: new TicketService(new TicketRepository(h.db.pool), live), registryChanges: changes },
    { worker: { debounceMs: 150, tickMs: 3_600_000, chunkDays: CHUNK_DAYS, now: () => h.asOf } },
  );
  recon.worker.start();
  const sites = new SiteRepository(prisma);
  return {
    recon,
    permits: new PermitService(new PermitRepository(prisma), sites, new VehicleRepository(prisma), changes),
    routes: new RouteService(new RouteRepository(prisma), sites, changes),
    heard,
    updates: () => heard.filter((m) => m.event === 'reconciliation.updated').map((m) => m.payload as ReconciliationUpdate),
    async activeKeys() {
      const { rows } = await h.owner.query<{ key: string }>('SELECT natural_key AS key FROM anomaly WHERE active ORDER BY 1');
      return rows.map((r) => r.key);
    },
    stop: () => recon.worker.stop(),
  };
}

export async function until<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
