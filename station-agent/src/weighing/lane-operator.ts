/**
 * What an operator does at a lane besides watching it: choose a stream, override a refusal,
 * key a weight in, void an open ticket. Each action is journaled with who did it and why.
 */
import { normalisePlate, type StreamCode } from '@haulproof/contracts';
import { identify, selectStreamFor } from './identify.js';
import { keyedEntryProblem, type KeyedWeight } from './keyed.js';
import { no, ok, type LaneCore, type LaneResult } from './lane-core.js';
import { laneEventBody, openTicketVoidFacts } from './lane-events.js';
import { describeSession, faultMessage } from './lane-messages.js';
import { recordPass } from './passes.js';

export function selectStream(lane: LaneCore, stream: StreamCode, operator: string): LaneResult {
  const s = lane.session;
  if (!s || s.open || (lane.state !== 'IDENTIFIED' && lane.state !== 'SETTLING')) return no('没有待选类别的车辆 / no vehicle is waiting for a stream');
  const chosen = selectStreamFor(lane.deps.registry, s, stream, lane.deps.clock());
  if (!chosen.ok) return no(chosen.refusal.message);
  Object.assign(s, chosen.value);
  s.operator = operator.trim() || s.operator;
  lane.enter(lane.state, describeSession(s));
  lane.settle(lane.detector.verdict());
  return ok(describeSession(s));
}

/** Refuse-with-override: a repeat weighing or a missing zero return goes on only when an operator says so. */
export function override(lane: LaneCore, operator: string, reason: string): LaneResult {
  const r = lane.refusal;
  if (lane.state !== 'REFUSED' || !r?.refusal.overridable || !r.who) return no('没有可放行的拒绝 / nothing to override');
  if (!operator.trim() || reason.trim().length < 3) return no('放行需要操作员和原因 / an override needs an operator and a reason');
  const details = { override: true, refused: r.refusal.code, operator: operator.trim(), note: reason.trim() };
  const facts = { plate: r.plate, card: 'card' in r.who ? r.who.card : null, ticketSeq: null, details };
  if (!lane.journalEvent(r.refusal.event, `操作员放行 / operator override: ${reason.trim()}`, facts)) return no(lane.message ?? 'journal fault');
  return lane.identifyAndEnter(r.who, new Set([...r.overrides, r.refusal.code]), operator.trim());
}

/** DOMAIN.md: manual entries need a reason and a supervisor. Only while no live weighing runs on the lane. */
export function keyWeight(lane: LaneCore, k: KeyedWeight): LaneResult {
  const deckKg = lane.detector.lastKnownKg();
  const deckEmpty = deckKg === null || deckKg < lane.opts.scale.minLoadKg;
  if (!(lane.state === 'IDLE' || (lane.state === 'FAULT' && deckEmpty))) return no('称重进行中，不能手工录入 / a weighing is in progress: keyed entry refused');
  const problem = keyedEntryProblem(k);
  if (problem) return no(problem);
  if (!lane.journalWritable()) return no(lane.message ?? '');
  const plate = normalisePlate(k.plate);
  // a keyed entry is already an operator-and-supervisor decision: a repeat is flagged, not refused;
  // the deck is not weighing, so its zero return does not apply
  const check = lane.guard(() => identify({ ...lane.identifyContext(), returnedToZero: true }, { plate }, new Set(['REPEAT_WEIGHING'])));
  if (!check) return no(lane.message ?? 'journal fault');
  if (!check.ok) {
    lane.journalEvent(check.refusal.event, check.refusal.message, { plate, card: null, ticketSeq: null, details: { ...check.refusal.details, keyed: true } });
    return no(check.refusal.message);
  }
  const s = check.value;
  s.operator = k.operator.trim();
  if (!s.open && k.stream) {
    const chosen = selectStreamFor(lane.deps.registry, s, k.stream, lane.deps.clock());
    if (!chosen.ok) return no(chosen.refusal.message);
    Object.assign(s, chosen.value);
  }
  if (!s.stream) return no('请选择垃圾类别 / choose the waste stream');
  const facts = (details: Record<string, string | number | boolean | null>, ticketSeq: number | null = null) => ({ plate, card: null, ticketSeq, details });
  if (s.flags.has('REPEAT_WEIGHING') && !lane.journalEvent('REPEAT_WEIGHING', '重复过磅（手工录入）/ repeat weighing (keyed)', facts({ keyed: true }))) return no(lane.message ?? '');
  const outcome = lane.guard(() => recordPass(lane.passContext(), s, { kg: k.kg, source: 'KEYED', at: lane.deps.clock() }));
  if (!outcome) return no(lane.message ?? 'journal fault');
  if (outcome.kind === 'refused') {
    lane.journalEvent(outcome.refusal.event, outcome.refusal.message, facts({ ...outcome.refusal.details, keyed: true }));
    return no(outcome.refusal.message);
  }
  const pass = outcome.kind === 'opened' ? 'FIRST' : s.open ? 'SECOND' : 'SINGLE';
  const seq = outcome.kind === 'completed' ? outcome.entry.seq : null;
  const details = { kg: k.kg, pass, operator: s.operator, supervisor: k.supervisor.trim(), reason: k.reason.trim(), laneState: lane.state };
  // the weight is journaled by now; if this event fails the lane faults, but the ticket stands
  lane.journalEvent('KEYED_WEIGHT', `手工录入 ${k.kg} kg / keyed weight: ${k.reason.trim()}`, facts(details, seq));
  return lane.reportOutcome(outcome, false);
}

/**
 * Voids a vehicle's open first pass by hand (it will not come back). Open tickets belong to the
 * agent, not to a lane: an operator at any lane may void any of them, except one a lane is
 * weighing right now.
 */
export function voidOpenTicket(lane: LaneCore, plateText: string, operator: string, reason: string): LaneResult {
  if (!operator.trim() || reason.trim().length < 3) return no('作废需要操作员和原因 / a void needs an operator and a reason');
  const { journal, cards, clock } = lane.deps;
  if (!journal.healthy()) return no(faultMessage('journal-unavailable', ''));
  const plate = normalisePlate(plateText);
  const open = lane.guard(() => journal.openTicketFor(plate) ?? false);
  if (open === null) return no(lane.message ?? 'journal fault');
  if (!open) return no(`${plate} 没有未完成的磅单 / no open ticket for ${plate}`);
  const weighing = cards.laneHolding(plate);
  if (weighing) return no(`${plate} 正在 ${weighing} 道称重，不能作废 / ${plate} is being weighed at lane ${weighing}: it cannot be voided now`);
  const tz = lane.timeZone();
  const facts = openTicketVoidFacts(open, tz, reason.trim(), operator.trim());
  const event = laneEventBody(lane.code, tz, clock(), 'OPEN_TICKET_VOIDED', `操作员作废 / voided by ${operator.trim()}: ${reason.trim()}`, facts);
  const done = lane.guard(() => journal.voidOpenTicket(plate, event)); // the event and the deletion commit together
  return done ? ok(`作废 ${plate} / voided`) : no(lane.message ?? 'journal fault');
}

/**
 * Open tickets time out into a void (12 h by default). They are shared by all lanes of the agent,
 * and every lane runs this on its tick (and once at start-up, for tickets that expired while the
 * agent was down). It is idempotent: the event and the deletion commit in one transaction, and
 * ticks run one at a time, so whichever lane comes first voids a ticket and the others no longer
 * see it. The event names the lane of the first pass, whichever lane voided it. A vehicle a lane
 * is weighing right now is left alone: its second pass is under way.
 */
export function voidExpired(lane: LaneCore, now: number): void {
  const { journal, cards } = lane.deps;
  if (!journal.healthy()) return; // the lane shows the fault; the void waits until it can be written
  const tz = lane.timeZone();
  const limit = lane.policy.openTicketTimeoutMs;
  const hours = Math.round((limit / 3600_000) * 10) / 10;
  const msg = `一次过磅超过 ${hours} 小时未完成，作废 / first pass not completed within ${hours} h: voided`;
  lane.guard(() => {
    for (const o of journal.openTickets()) {
      if (now - o.firstAt < limit || cards.laneHolding(o.plate) !== null) continue;
      journal.voidOpenTicket(o.plate, laneEventBody(o.lane, tz, now, 'OPEN_TICKET_VOIDED', msg, openTicketVoidFacts(o, tz, 'timeout', null)));
    }
  });
}
