// Keeps reconciliation current while the server runs. Ticket events and integrity
// station events from the live bus mark the days they touch (live-touches.ts);
// shortly after the last one (debounced, but never longer than maxWaitMs) those
// days are recomputed, one run at a time,
// and the console hears about it: `anomaly.raised` / `anomaly.updated` per finding,
// `reconciliation.updated` for the days. A slow tick brings in days that closed and
// loads whose custody window ran out without anything new arriving. Registry edits
// bring the stored days they reach up to date, in chunks (registry-backlog.ts).
import type { AnomalyView } from '@haulproof/contracts';
import type { Logger } from '../lib/logger.js';
import type { LiveMessage, LivePublisher } from '../live/publisher.js';
import type { AnomalyRepository } from '../repositories/reconciliation/anomaly.repository.js';
import type { ReconOutputRepository } from '../repositories/reconciliation/recon-output.repository.js';
import type { RecomputeScopeRepository } from '../repositories/reconciliation/recompute-scope.repository.js';
import type { RegistryChanges } from '../services/registry/registry-changes.js';
import { dayEnd } from './calendar.js';
import type { TicketTouch } from './dirty.js';
import type { DayOutcome, ReconciliationEngine } from './engine.js';
import { liveTouches } from './live-touches.js';
import { RegistryBacklog } from './registry-backlog.js';
import type { ReconRules } from './rules.js';
import type { Day } from './types.js';

export interface WorkerOptions {
  debounceMs?: number;
  maxWaitMs?: number;
  tickMs?: number;
  /** Days per run when a registry edit reaches many: ticket runs go in between. */
  chunkDays?: number;
  now?: () => number;
}

export class ReconciliationWorker {
  private touches: TicketTouch[] = [];
  private touchedScopes = new Map<string, { siteId: string; districtId: string }>();
  private firstTouchAt = 0;
  private debounce: NodeJS.Timeout | null = null;
  private ticker: NodeJS.Timeout | null = null;
  private running: Promise<void> = Promise.resolve();
  private unsubscribe: (() => void) | null = null;
  private unsubscribeRegistry: (() => void) | null = null;
  private readonly registryBacklog: RegistryBacklog;
  private stopped = false;
  private readonly opts: Required<WorkerOptions>;

  constructor(
    private readonly deps: {
      engine: ReconciliationEngine;
      output: ReconOutputRepository;
      anomalies: AnomalyRepository;
      live: LivePublisher;
      log: Logger;
      rules: ReconRules;
      scope: RecomputeScopeRepository;
      registryChanges?: Pick<RegistryChanges, 'subscribe'>;
    },
    options: WorkerOptions = {},
  ) {
    this.opts = { debounceMs: 1_000, maxWaitMs: 5_000, tickMs: 60_000, chunkDays: 7, now: Date.now, ...options };
    this.registryBacklog = new RegistryBacklog(
      { engine: deps.engine, scope: deps.scope, enqueue: (run) => this.enqueue(run), announce: (o) => this.announce(o, []), log: deps.log, now: () => this.opts.now() },
      { debounceMs: this.opts.debounceMs, chunkDays: this.opts.chunkDays, retryMs: this.opts.tickMs },
    );
  }

  start(): this {
    this.unsubscribe = this.deps.live.subscribe((m) => this.onMessage(m));
    this.unsubscribeRegistry = this.deps.registryChanges?.subscribe((c) => this.registryBacklog.onChange(c)) ?? null;
    this.ticker = setInterval(() => this.enqueue(() => this.tick()), this.opts.tickMs).unref();
    return this;
  }

  /** Stops listening, then waits for the run in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    this.unsubscribeRegistry?.();
    this.registryBacklog.stop();
    if (this.debounce) clearTimeout(this.debounce);
    if (this.ticker) clearInterval(this.ticker);
    await this.running;
  }

  /** Runs whatever is pending now, registry edits included, and resolves when it is stored (tests). */
  async flush(): Promise<void> {
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = null;
    await this.enqueue(() => this.recomputeTouched());
    await this.registryBacklog.drain();
  }

  private onMessage(m: LiveMessage): void {
    const t = this.stopped ? null : liveTouches(m);
    if (!t) return;
    if (this.touches.length === 0) this.firstTouchAt = this.opts.now();
    this.touchedScopes.set(t.siteId, { siteId: t.siteId, districtId: t.districtId });
    this.touches.push(...t.touches);
    if (this.debounce) clearTimeout(this.debounce);
    const wait = Math.max(0, Math.min(this.opts.debounceMs, this.firstTouchAt + this.opts.maxWaitMs - this.opts.now()));
    this.debounce = setTimeout(() => {
      this.debounce = null;
      void this.enqueue(() => this.recomputeTouched());
    }, wait);
  }

  /** One run at a time: a run waits for the one before it. Failures are logged, never thrown at the bus. */
  private enqueue(run: () => Promise<void>): Promise<void> {
    this.running = this.running.then(run).catch((err: unknown) => this.deps.log.error({ err, module: 'reconciliation' }, 'reconciliation run failed'));
    return this.running;
  }

  private async recomputeTouched(): Promise<void> {
    const touches = this.touches;
    const scopes = [...this.touchedScopes.values()];
    this.touches = [];
    this.touchedScopes = new Map();
    if (touches.length === 0) return;
    await this.announce(await this.deps.engine.recomputeTouched(touches, this.opts.now()), scopes);
  }

  /** Days that closed since they were computed, and days with loads now overdue. */
  private async tick(): Promise<void> {
    const now = this.opts.now();
    const graceMs = this.deps.rules.closeGraceMinutes * 60_000;
    const registry = await this.deps.engine.registry();
    const zones = [...new Set([...registry.sites.values()].map((s) => s.timezone))];
    const closing = (await this.deps.output.openDays()).filter((d) => zones.every((z) => now >= dayEnd(d, z) + graceMs));
    const due = new Set<Day>([...closing, ...(await this.deps.output.overdueLegDays(now))]);
    if (due.size > 0) await this.announce(await this.deps.engine.recompute(due, now), []);
  }

  /** Each finding to its own scope; the day summary to city-wide viewers and to the sites whose tickets changed. */
  private async announce(outcomes: DayOutcome[], touched: { siteId: string; districtId: string }[]): Promise<void> {
    if (outcomes.length === 0) return;
    const raised = outcomes.flatMap((o) => o.changes.raised);
    const changed = outcomes.flatMap((o) => [...o.changes.updated, ...o.changes.cleared]);
    const views = await this.deps.anomalies.byIds([...raised, ...changed]);
    const isRaised = new Set(raised);
    for (const v of views) this.deps.live.publish(isRaised.has(v.id) ? 'anomaly.raised' : 'anomaly.updated', v, scopeOf(v));
    // a finding that moved to another site, district or carrier: those who could see it only where it was are told it left
    const byId = new Map(views.map((v) => [v.id, v]));
    for (const l of outcomes.flatMap((o) => o.changes.left ?? [])) {
      const v = byId.get(l.id);
      if (v) this.deps.live.publish('anomaly.left', { id: v.id, at: new Date(this.opts.now()).toISOString() }, { siteId: l.siteId, districtId: l.districtId, carrierId: l.carrierId }, scopeOf(v));
    }
    const days = [...new Set(outcomes.map((o) => o.day))].sort();
    const update = { days, raised: raised.length, cleared: outcomes.reduce((s, o) => s + o.changes.cleared.length, 0), at: new Date(this.opts.now()).toISOString() };
    // a person in several of these scopes gets one copy: their delta queue merges by days
    this.deps.live.publish('reconciliation.updated', update, {});
    for (const scope of touched) this.deps.live.publish('reconciliation.updated', update, scope);
    this.deps.log.debug({ module: 'reconciliation', days, raised: update.raised, cleared: update.cleared }, 'reconciled');
  }
}

export const scopeOf = (a: Pick<AnomalyView, 'siteId' | 'districtId' | 'carrierId'>) => ({ siteId: a.siteId, districtId: a.districtId, carrierId: a.carrierId });
