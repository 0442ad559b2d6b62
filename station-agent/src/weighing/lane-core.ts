/**
 * The lane's state and the moves between states; lane.ts is the public face that feeds it.
 * Rules kept here: a transition is announced as `lane.state`; a ticket is announced as
 * `ticket.completed` only after the journal append (appendTicket or completeOpenTicket) returned;
 * any journal failure faults the lane, and no weighing starts while the journal cannot write.
 */
import type { LaneStateName, StationEventType, TicketFlag } from '@haulproof/contracts';
import type { JournalEntry } from '../types.js';
import { identify, type IdentifyContext, type Session, type Who } from './identify.js';
import { appendLaneEvent, type EventFacts } from './lane-events.js';
import { faultMessage, describeSession, type Fault, type FaultCause } from './lane-messages.js';
import { DEFAULT_POLICY, type LaneDeps, type LaneOptions, type LanePolicy } from './lane-options.js';
import { recordPass, type PassContext, type PassOutcome } from './passes.js';
import type { Refusal, RefusalCode } from './refusals.js';
import { StabilityDetector, type StabilityVerdict } from './stability.js';

export type LaneResult = { ok: true; message: string } | { ok: false; message: string };
export const ok = (message: string): LaneResult => ({ ok: true, message });
export const no = (message: string): LaneResult => ({ ok: false, message });

export function ticketNo(e: JournalEntry): string {
  return `${e.payload.device}-${e.seq}`;
}

export class LaneCore {
  readonly code: string;
  readonly policy: LanePolicy;
  readonly detector: StabilityDetector;
  state: LaneStateName = 'IDLE';
  message: string | null = null;
  since = 0; // when the current state began
  session: Session | null = null;
  refusal: { refusal: Refusal; who: Who | null; plate: string | null; overrides: Set<RefusalCode> } | null = null;
  fault: Fault | null = null;
  readonly visitFlags = new Set<TicketFlag>(); // seen while this vehicle is on the deck, before it was identified
  loadSeen = false; // a vehicle stood on the deck during this session or refusal
  capturedKg: number | null = null;
  scaleConnected = true;
  onDuty: string | null = null;
  /** Set while an operator has the scale out of service (lane-estimate.ts); survives other faults. */
  outOfService: { operator: string; reason: string; since: number } | null = null;

  constructor(
    readonly opts: LaneOptions,
    readonly deps: LaneDeps,
  ) {
    this.code = opts.code;
    this.policy = { ...DEFAULT_POLICY, ...opts.policy };
    this.detector = new StabilityDetector({ ...opts.stability, ...opts.scale }, deps.clock);
  }

  identifyAndEnter(who: Who, overrides: Set<RefusalCode>, operator: string | null): LaneResult {
    if (!this.journalWritable()) return no(this.message ?? '');
    this.endSession();
    const check = this.guard(() => identify(this.identifyContext(), who, overrides));
    if (!check) return no(this.message ?? 'journal fault');
    if (!check.ok) {
      this.refuse(check.refusal, who, overrides);
      return no(check.refusal.message);
    }
    const s = check.value;
    s.operator = operator;
    this.deps.cards.claim({ card: s.card, plate: s.vehicle.plate }, this.code);
    this.session = s;
    this.refusal = null;
    this.loadSeen = this.loaded();
    this.enter('IDENTIFIED', describeSession(s));
    this.settle(this.detector.verdict());
    return ok(describeSession(s));
  }

  /** Sequence: vehicle on, identified, stream known → SETTLING; stable → capture. */
  settle(verdict: StabilityVerdict): void {
    const s = this.session;
    if (!s?.stream || !this.loaded()) return;
    if (this.state === 'IDENTIFIED') this.enter('SETTLING', `${s.vehicle.plate} 称重中，请停稳 / weighing: keep still`);
    if (this.state === 'SETTLING' && verdict.stable) this.capture(s, verdict.kg, verdict.at);
  }

  private capture(s: Session, kg: number, at: number): void {
    for (const f of this.visitFlags) s.flags.add(f);
    const outcome = this.guard(() => recordPass(this.passContext(), s, { kg, source: 'WEIGHED', at }));
    if (!outcome) return; // nothing was recorded: the same vehicle may be weighed again after a reset
    if (outcome.kind === 'refused') return this.refuse(outcome.refusal, s.card ? { card: s.card } : { plate: s.vehicle.plate }, new Set());
    this.detector.markCaptured(); // PROTOCOLS.md: the scale must return to zero before the next vehicle
    this.capturedKg = kg;
    this.reportOutcome(outcome, true);
  }

  reportOutcome(outcome: Exclude<PassOutcome, { kind: 'refused' }>, live: boolean): LaneResult {
    if (outcome.kind === 'opened') {
      const msg = `一次过磅 ${outcome.open.firstKg} kg，请回磅完成 / first pass ${outcome.open.firstKg} kg recorded: come back for the second`;
      if (live) this.enter('CAPTURED', msg);
      return ok(msg);
    }
    const e = outcome.entry;
    const msg = `磅单 ${ticketNo(e)} 净重 ${outcome.body.netKg} kg / ticket ${ticketNo(e)}: net ${outcome.body.netKg} kg`;
    this.deps.bus.emit({ type: 'ticket.completed', lane: this.code, entry: e }); // the append returned: it is durable
    if (live) this.enter('CAPTURED', msg);
    if (outcome.followUpError) this.faultJournal(outcome.followUpError);
    return ok(msg);
  }

  refuse(refusal: Refusal, who: Who | null, overrides: Set<RefusalCode>): void {
    const plate = who && 'plate' in who ? who.plate : who ? (this.deps.registry.vehicleByCard(who.card)?.card.plate ?? null) : null;
    this.endSession();
    this.refusal = { refusal, who, plate, overrides };
    this.loadSeen = this.loaded();
    const facts = { plate, card: who && 'card' in who ? who.card : null, ticketSeq: null, details: refusal.details };
    if (this.journalEvent(refusal.event, refusal.message, facts)) this.enter('REFUSED', refusal.message);
  }

  faultScale(cause: Exclude<FaultCause, 'journal'>, detail: string): void {
    this.detector.clearWindow(); // stability must be proven again from fresh frames
    if (this.state === 'FAULT') return;
    const facts = { plate: this.session?.vehicle.plate ?? null, card: this.session?.card ?? null, ticketSeq: null, details: { cause, detail: detail.slice(0, 200) } };
    if (this.journalEvent('FRAME_RATE_FAULT', `称重仪表故障 / indicator fault: ${detail}`, facts)) {
      this.enterFault({ cause, alarm: `lane.${this.code}.scale` }, faultMessage(cause, detail));
    }
  }

  /**
   * STYLE.md 7: custody data is written durably before it is acknowledged, so no weighing starts
   * while the journal cannot write. The lane shows FAULT and leaves it when the journal recovers.
   */
  journalWritable(): boolean {
    if (this.deps.journal.healthy()) return true;
    if (this.fault?.cause !== 'journal-unavailable') this.enterFault({ cause: 'journal-unavailable', alarm: `lane.${this.code}.journal` }, faultMessage('journal-unavailable', ''));
    return false;
  }

  faultJournal(err: unknown): void {
    const detail = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    this.deps.logger?.error('journal write failed; lane stopped', { lane: this.code, err: detail });
    this.enterFault({ cause: 'journal', alarm: `lane.${this.code}.journal` }, faultMessage('journal', detail));
  }

  enterFault(f: Fault, message: string): void {
    if (this.fault?.cause === 'journal') return; // the worse fault stays until an operator resets the lane
    if (this.fault) this.deps.bus.emit({ type: 'alarm.cleared', code: this.fault.alarm, at: this.deps.clock() });
    this.endSession();
    this.refusal = null;
    this.fault = f;
    this.deps.bus.emit({ type: 'alarm', code: f.alarm, message, at: this.deps.clock() });
    this.enter('FAULT', message);
  }

  clearFault(): void {
    if (this.fault) this.deps.bus.emit({ type: 'alarm.cleared', code: this.fault.alarm, at: this.deps.clock() });
    this.fault = null;
    this.endSession();
    this.refusal = null;
    // a scale out of service stays out when another fault (the journal's) clears
    if (this.outOfService) this.enterFault({ cause: 'out-of-service', alarm: `lane.${this.code}.out-of-service` }, faultMessage('out-of-service', this.outOfService.reason));
    else this.enter(this.loaded() ? 'VEHICLE_ON' : 'IDLE', null);
  }

  toIdle(message: string | null = null): void {
    this.endSession();
    this.refusal = null;
    this.visitFlags.clear();
    this.loadSeen = false;
    this.enter('IDLE', message);
  }

  endSession(): void {
    this.session = null;
    this.capturedKg = null;
    this.deps.cards.releaseLane(this.code);
  }

  enter(state: LaneStateName, message: string | null): void {
    if (state === this.state && message === this.message) return;
    if (state !== this.state) this.since = this.deps.clock();
    this.state = state;
    this.message = message;
    this.announce();
  }

  announce(): void {
    this.deps.bus.emit({ type: 'lane.state', lane: this.code, state: this.state, plate: this.plate(), message: this.message, at: this.deps.clock() });
  }

  plate(): string | null {
    return this.session?.vehicle.plate ?? this.refusal?.plate ?? null;
  }

  loaded(): boolean {
    const kg = this.detector.lastKg();
    return kg !== null && kg >= this.opts.scale.minLoadKg;
  }

  timeZone(): string {
    return this.deps.registry.snapshot()?.site.timezone ?? 'UTC';
  }

  /** Runs journal work; any failure (JournalUnavailableError or worse) faults the lane and yields null. */
  guard<T>(fn: () => T): T | null {
    try {
      return fn();
    } catch (err) {
      this.faultJournal(err);
      return null;
    }
  }

  appendEvent(type: StationEventType, message: string, f: EventFacts): JournalEntry {
    return appendLaneEvent(this.deps.journal, this.code, this.timeZone(), this.deps.clock(), type, message, f);
  }

  journalEvent(type: StationEventType, message: string, f: EventFacts): boolean {
    return this.guard(() => this.appendEvent(type, message, f)) !== null;
  }

  identifyContext(): IdentifyContext {
    const { journal, registry, cards, clock } = this.deps;
    return { lane: this.code, journal, registry, cards, policy: this.policy, returnedToZero: this.detector.returnedToZero(), lastKg: this.detector.lastKg(), now: clock() };
  }

  passContext(): PassContext {
    const { journal, registry, softwareVersion } = this.deps;
    return { lane: this.code, journal, registry, policy: this.policy, software: softwareVersion, operator: this.onDuty, event: (t, m, f) => this.appendEvent(t, m, f) };
  }
}
