// Wiring: the engine on the application role's pool, the live worker, and the
// anomaly service the HTTP routes use. server.ts starts and stops the worker.
import type { ReconRulesView } from '@haulproof/contracts';
import type { Database } from '../db/database.js';
import type { Logger } from '../lib/logger.js';
import type { LivePublisher } from '../live/publisher.js';
import { AnomalyRepository } from '../repositories/reconciliation/anomaly.repository.js';
import { ReconInputRepository } from '../repositories/reconciliation/recon-input.repository.js';
import { ReconOutputRepository } from '../repositories/reconciliation/recon-output.repository.js';
import { RecomputeScopeRepository } from '../repositories/reconciliation/recompute-scope.repository.js';
import type { RegistryChanges } from '../services/registry/registry-changes.js';
import type { UserRepository } from '../repositories/user.repository.js';
import { AnomalyService } from '../services/anomaly.service.js';
import { ReconQueryService } from '../services/recon-query.service.js';
import { ReconTraceService } from '../services/recon-trace.service.js';
import type { TicketService } from '../services/ticket.service.js';
import { ReconQueryRepository } from '../repositories/reconciliation/recon-query.repository.js';
import { ReconListRepository } from '../repositories/reconciliation/recon-list.repository.js';
import { ReconTraceRepository } from '../repositories/reconciliation/recon-trace.repository.js';
import { ReportQualityRepository } from '../repositories/reconciliation/report-quality.repository.js';
import { ReportQualityService } from '../services/report-quality.service.js';
import { DistrictReportRepository } from '../repositories/reconciliation/district-report.repository.js';
import { DistrictReportService } from '../services/district-report.service.js';
import { DistrictRankingService } from '../services/district-ranking.js';
import { ReconciliationEngine } from './engine.js';
import { withRules, type ReconRules } from './rules.js';
import { ReconciliationWorker, type WorkerOptions } from './worker.js';

export interface Reconciliation {
  rules: ReconRules;
  /** The rules in effect and which of them the deployment set (GET /api/v1/reconciliation/rules). */
  rulesView: ReconRulesView;
  engine: ReconciliationEngine;
  worker: ReconciliationWorker;
  anomalies: AnomalyService;
  queries: ReconQueryService;
  /** Every district ranked on the bureau's figures (GET /api/v1/reconciliation/rankings). */
  rankings: DistrictRankingService;
  /** One load's trace (GET /tickets/:id/trace). */
  trace: ReconTraceService;
  quality: ReportQualityService;
  districtReports: DistrictReportService;
}

export function createReconciliation(deps: { db: Database; live: LivePublisher; log: Logger; users: Pick<UserRepository, 'findPrincipal'>; tickets: Pick<TicketService, 'get'>; registryChanges?: Pick<RegistryChanges, 'subscribe'> }, opts: { rules?: Partial<ReconRules>; worker?: WorkerOptions } = {}): Reconciliation {
  const rules = withRules(opts.rules);
  const overridden = (Object.keys(opts.rules ?? {}) as (keyof ReconRules)[]).filter((k) => opts.rules?.[k] !== undefined).sort();
  const output = new ReconOutputRepository(deps.db.pool);
  const anomalyRepo = new AnomalyRepository(deps.db.pool);
  const queryRepo = new ReconQueryRepository(deps.db.pool);
  const engine = new ReconciliationEngine(new ReconInputRepository(deps.db.pool), output, rules);
  const queries = new ReconQueryService(queryRepo, new ReconListRepository(deps.db.pool), rules.muckKgPerM3);
  const quality = new ReportQualityService(new ReportQualityRepository(deps.db.pool), (id) => queryRepo.siteDistrict(id), rules);
  const rankings = new DistrictRankingService(queryRepo);
  return {
    rules,
    rulesView: { rules, overridden },
    engine,
    worker: new ReconciliationWorker(
      { engine, output, anomalies: anomalyRepo, live: deps.live, log: deps.log.child({ module: 'reconciliation' }), rules, scope: new RecomputeScopeRepository(deps.db.pool), registryChanges: deps.registryChanges },
      opts.worker,
    ),
    anomalies: new AnomalyService(anomalyRepo, deps.users, deps.live),
    queries,
    rankings,
    trace: new ReconTraceService(new ReconTraceRepository(deps.db.pool), anomalyRepo, deps.tickets),
    quality,
    districtReports: new DistrictReportService(new DistrictReportRepository(deps.db.pool), queries, quality, rankings),
  };
}
