// Wiring: the engine on the application role's pool, the live worker, and the
// anomaly service the HTTP routes use. server.ts starts and stops the worker.
import type { Database } from '../db/database.js';
import type { Logger } from '../lib/logger.js';
import type { LivePublisher } from '../live/publisher.js';
import { AnomalyRepository } from '../repositories/reconciliation/anomaly.repository.js';
import { ReconInputRepository } from '../repositories/reconciliation/recon-input.repository.js';
import { ReconOutputRepository } from '../repositories/reconciliation/recon-output.repository.js';
import type { UserRepository } from '../repositories/user.repository.js';
import { AnomalyService } from '../services/anomaly.service.js';
import { ReconQueryService } from '../services/recon-query.service.js';
import type { TicketService } from '../services/ticket.service.js';
import { ReconQueryRepository } from '../repositories/reconciliation/recon-query.repository.js';
import { ReportQualityRepository } from '../repositories/reconciliation/report-quality.repository.js';
import { ReportQualityService } from '../services/report-quality.service.js';
import { DistrictReportRepository } from '../repositories/reconciliation/district-report.repository.js';
import { DistrictReportService } from '../services/district-report.service.js';
import { ReconciliationEngine } from './engine.js';
import { withRules, type ReconRules } from './rules.js';
import { ReconciliationWorker, type WorkerOptions } from './worker.js';

export interface Reconciliation {
  rules: ReconRules;
  engine: ReconciliationEngine;
  worker: ReconciliationWorker;
  anomalies: AnomalyService;
  queries: ReconQueryService;
  quality: ReportQualityService;
  districtReports: DistrictReportService;
}

export function createReconciliation(deps: { db: Database; live: LivePublisher; log: Logger; users: Pick<UserRepository, 'findPrincipal'>; tickets: Pick<TicketService, 'get'> }, opts: { rules?: Partial<ReconRules>; worker?: WorkerOptions } = {}): Reconciliation {
  const rules = withRules(opts.rules);
  const output = new ReconOutputRepository(deps.db.pool);
  const anomalyRepo = new AnomalyRepository(deps.db.pool);
  const queryRepo = new ReconQueryRepository(deps.db.pool);
  const engine = new ReconciliationEngine(new ReconInputRepository(deps.db.pool), output, rules);
  const queries = new ReconQueryService(queryRepo, anomalyRepo, deps.tickets, rules.muckKgPerM3);
  const quality = new ReportQualityService(new ReportQualityRepository(deps.db.pool), (id) => queryRepo.siteDistrict(id), rules.lateTicketMinutes);
  return {
    rules,
    engine,
    worker: new ReconciliationWorker({ engine, output, anomalies: anomalyRepo, live: deps.live, log: deps.log.child({ module: 'reconciliation' }), rules }, opts.worker),
    anomalies: new AnomalyService(anomalyRepo, deps.users, deps.live),
    queries,
    quality,
    districtReports: new DistrictReportService(new DistrictReportRepository(deps.db.pool), queries, quality),
  };
}
