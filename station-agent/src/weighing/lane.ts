/**
 * One weighing lane (issue 3). States (contracts LaneStateName):
 *   IDLE → VEHICLE_ON → IDENTIFIED → SETTLING → CAPTURED → WAIT_EMPTY → IDLE
 * plus REFUSED (a check failed; the reason is on screen) and FAULT (scale, frames or journal:
 * no weighing; also while the journal reports it cannot write). A card may come first (gate
 * reader): IDLE → IDENTIFIED → SETTLING once the vehicle is on the deck. Inputs come from the bus
 * after start(), or by direct calls. Emits `lane.state` on every transition and
 * `ticket.completed` after a successful append.
 * Open tickets are the agent's, one per vehicle: a truck may weigh in here and out at another
 * lane of this device (or the other way round) while other trucks weigh in meanwhile.
 */
import type { StreamCode } from '@haulproof/contracts';
import type { AgentEvent, WeightSample } from '../types.js';
import type { EstimateRequest } from './estimate.js';
import type { KeyedWeight } from './keyed.js';
import { LaneCore, no, ok, type LaneResult } from './lane-core.js';
import type { LaneDeps, LaneOptions } from './lane-options.js';
import { estimateWeight, returnToService, takeOutOfService } from './lane-estimate.js';
import { keyWeight, override, selectStream, voidExpired, voidOpenTicket } from './lane-operator.js';

export type { LaneResult } from './lane-core.js';
export { ticketNo } from './lane-core.js';

const REPEAT_TAP_MS = 5000;

export interface LaneView {
  lane: string;
  state: LaneCore['state'];
  plate: string | null;
  message: string | null;
  stream: StreamCode | null;
  overridable: boolean; // REFUSED with a refusal an operator may override
}

export class Lane {
  private readonly core: LaneCore;
  private startedAt = 0;
  private timer: ReturnType<typeof setInterval> | null = null;
  private unsubscribe: (() => void) | null = null;

  constructor(opts: LaneOptions, deps: LaneDeps) {
    this.core = new LaneCore(opts, deps);
  }

  get code(): string {
    return this.core.code;
  }

  // ── lifecycle (STYLE.md 5: the constructor only assigns) ─────────
  start(): void {
    const c = this.core;
    this.startedAt = c.deps.clock();
    this.unsubscribe = c.deps.bus.on((e) => this.handle(e));
    this.timer = setInterval(() => this.tick(), c.policy.tickMs);
    c.announce();
    this.tick(); // open tickets restored from the journal may have expired while the agent was down
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.unsubscribe?.();
    this.timer = null;
    this.unsubscribe = null;
    this.core.deps.cards.releaseLane(this.core.code);
  }

  /** Routes the agent's device events to this lane (samples and scale state by lane, cards by reader). */
  handle(e: AgentEvent): void {
    if (e.type === 'weight.sample' && e.sample.lane === this.code) this.onSample(e.sample);
    else if (e.type === 'scale.state' && e.lane === this.code) this.onScaleState(e.state, e.detail);
    else if (e.type === 'card.presented' && (this.core.opts.readers ?? []).includes(e.reader)) this.onCard(e.uid);
  }

  view(): LaneView {
    const c = this.core;
    return { lane: c.code, state: c.state, plate: c.plate(), message: c.message, stream: c.session?.stream ?? null, overridable: c.state === 'REFUSED' && !!c.refusal?.refusal.overridable };
  }

  /** The operator on duty; named on tickets made while no other operator acted. */
  setOperator(name: string | null): void {
    this.core.onDuty = name?.trim() || null;
  }

  // ── devices ──────────────────────────────────────────────────────
  onSample(s: WeightSample): void {
    const c = this.core;
    if (s.lane !== c.code) return;
    const { verdict, jump } = c.detector.push(s);
    const kg = c.detector.lastKg();
    if (c.state === 'FAULT') return this.maybeRecover(kg);
    if (jump && (c.state === 'VEHICLE_ON' || c.state === 'IDENTIFIED' || c.state === 'SETTLING')) {
      // PROTOCOLS.md anti-cheat: flag any jump larger than k·e inside a stable window
      c.visitFlags.add('WEIGHT_JUMP');
      c.session?.flags.add('WEIGHT_JUMP');
      const msg = `稳定窗口内重量跳变 ${jump.jumpKg} kg / weight jumped ${jump.jumpKg} kg inside a stable window`;
      const details = { fromKg: jump.fromKg, toKg: jump.toKg, jumpKg: jump.jumpKg, windowMs: c.detector.windowMs };
      if (!c.journalEvent('WEIGHT_JUMP', msg, { plate: c.session?.vehicle.plate ?? null, card: c.session?.card ?? null, ticketSeq: null, details })) return;
    }
    const empty = c.detector.deckEmpty();
    if (c.loaded()) c.loadSeen = true;
    switch (c.state) {
      case 'IDLE':
        if (c.loaded()) c.enter('VEHICLE_ON', '车辆上磅，请刷卡 / vehicle on the deck: present the card');
        break;
      case 'VEHICLE_ON':
      case 'WAIT_EMPTY':
        if (empty) c.toIdle();
        break;
      case 'IDENTIFIED':
      case 'SETTLING':
        if (empty && c.loadSeen) c.toIdle('未称重即离磅 / vehicle left before it was weighed');
        else c.settle(verdict);
        break;
      case 'CAPTURED':
        // the vehicle starts to move off: the captured value no longer holds (±1 e)
        if (empty || (kg !== null && c.capturedKg !== null && Math.abs(kg - c.capturedKg) > c.opts.scale.divisionKg)) {
          c.enter('WAIT_EMPTY', '请下磅 / please drive off the scale');
          if (empty) c.toIdle();
        }
        break;
      case 'REFUSED':
        if (empty && c.loadSeen) c.toIdle();
        break;
    }
  }

  onScaleState(state: 'connected' | 'disconnected' | 'fault', detail: string | null): void {
    this.core.scaleConnected = state === 'connected';
    if (state !== 'connected') this.core.faultScale('scale', `${state}${detail ? `: ${detail}` : ''}`);
  }

  onCard(uid: string): LaneResult {
    const c = this.core;
    if (c.state === 'FAULT') return no(c.message ?? 'lane fault');
    if (c.session?.card === uid) return ok(c.message ?? ''); // the same card again: nothing new
    const r = c.refusal;
    // a driver tapping a refused card again and again is one refusal, not one journal event per tap
    if (c.state === 'REFUSED' && r?.who && 'card' in r.who && r.who.card === uid && c.deps.clock() - c.since < REPEAT_TAP_MS) return no(r.refusal.message);
    return c.identifyAndEnter({ card: uid }, new Set(), null);
  }

  // ── operator ─────────────────────────────────────────────────────
  selectStream(stream: StreamCode, operator: string): LaneResult {
    return selectStream(this.core, stream, operator);
  }

  override(operator: string, reason: string): LaneResult {
    return override(this.core, operator, reason);
  }

  keyWeight(k: KeyedWeight): LaneResult {
    return keyWeight(this.core, k);
  }

  /** Stops weighing until returnToService (calibration 检定, repair); loads may then only be estimated. */
  takeOutOfService(operator: string, reason: string): LaneResult {
    return takeOutOfService(this.core, operator, reason);
  }

  returnToService(operator: string): LaneResult {
    return returnToService(this.core, operator);
  }

  /** 估重: records a load with a computed estimate while the scale cannot weigh (faulted, silent or out of service). */
  estimateWeight(e: EstimateRequest): LaneResult {
    return estimateWeight(this.core, e);
  }

  /** Voids the open first pass of `plate` (made at any lane of this device). */
  voidOpenTicket(plate: string, operator: string, reason: string): LaneResult {
    return voidOpenTicket(this.core, plate, operator, reason);
  }

  /** Clears a refusal, or a fault whose cause is gone (a journal fault always needs this call). */
  reset(): LaneResult {
    const c = this.core;
    if (c.state === 'FAULT' && !c.scaleConnected) return no(c.message ?? 'scale disconnected');
    if (c.state === 'FAULT' && !c.journalWritable()) return no(c.message ?? 'journal unavailable');
    if (c.fault?.cause === 'out-of-service') return no('磅秤停用中，请先恢复使用 / the scale is out of service: return it to service first');
    c.clearFault(); // (a scale out of service goes back to its out-of-service fault)
    return ok(c.state);
  }

  /** Timeouts: journal health, frame watchdog, open-ticket expiry, a card that never drove on, a refusal on screen. */
  tick(now: number = this.core.deps.clock()): void {
    const c = this.core;
    this.watchJournal();
    const lastFrame = c.detector.lastSampleAt() ?? this.startedAt;
    // PROTOCOLS.md: watch frame-rate faults; no frames means no weighing
    if (c.state !== 'FAULT' && now - lastFrame > c.policy.frameTimeoutMs) c.faultScale('frames', `no frame for ${now - lastFrame} ms`);
    if (c.fault?.cause !== 'journal') voidExpired(c, now);
    const held = now - c.since;
    if (c.state === 'IDENTIFIED' && !c.loadSeen && held > c.policy.identifyTimeoutMs) c.toIdle('刷卡后未上磅 / card expired: no vehicle drove on');
    if (c.state === 'REFUSED' && !c.loadSeen && held > c.policy.refusedHoldMs) c.toIdle();
  }

  private maybeRecover(kg: number | null): void {
    const c = this.core;
    if (!c.fault || c.fault.cause === 'journal' || c.fault.cause === 'journal-unavailable' || c.fault.cause === 'out-of-service' || !c.scaleConnected || kg === null) return;
    c.clearFault();
  }

  /** FAULT while the journal cannot write and no vehicle is being weighed; back once it can (and the scale is there). */
  private watchJournal(): void {
    const c = this.core;
    const writable = c.deps.journal.healthy();
    if (!writable && (c.state === 'IDLE' || c.state === 'VEHICLE_ON')) c.journalWritable();
    else if (writable && c.fault?.cause === 'journal-unavailable' && c.scaleConnected) c.clearFault();
  }
}
