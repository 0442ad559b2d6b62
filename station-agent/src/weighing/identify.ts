/**
 * Who is on (or about to drive onto) the lane, and may they be weighed? Runs the lane checks in
 * the order an operator would ask: is the card good, is the vehicle allowed, is it somewhere
 * else right now, is this its second pass, did the scale return to zero, was it just weighed,
 * what is it carrying, and under which permit.
 */
import type { StreamCode, TicketFlag } from '@haulproof/contracts';
import type { OpenTicket, RegistryView, TicketJournal } from '../types.js';
import type { CardRegistry } from './card-registry.js';
import { checkCard, checkPermit, checkVehicle, chooseStream, usableStoredTare, type Check, type Permit, type Site, type Vehicle } from './checks.js';
import { lastTicketFor, ticketCompleting } from './journal-scan.js';
import type { LanePolicy } from './lane-options.js';
import { refuse, type RefusalCode } from './refusals.js';

/** One vehicle's visit to the lane, from identification until it drives off. */
export interface Session {
  card: string | null;
  vehicle: Vehicle;
  site: Site;
  open: OpenTicket | null; // the first pass this visit completes
  stream: StreamCode | null; // null: waiting for the operator to choose
  permit: Permit | null;
  flags: Set<TicketFlag>;
  operator: string | null; // who overrode or keyed for this visit
}

export interface IdentifyContext {
  lane: string;
  registry: RegistryView;
  journal: TicketJournal;
  cards: CardRegistry;
  policy: LanePolicy;
  returnedToZero: boolean;
  lastKg: number | null;
  now: number;
}

export type Who = { card: string } | { plate: string };

export function identify(ctx: IdentifyContext, who: Who, overrides: ReadonlySet<RefusalCode>): Check<Session> {
  const snapshot = ctx.registry.snapshot();
  if (!snapshot) return { ok: false, refusal: refuse.noRegistry() };
  const found = 'card' in who ? checkCard(ctx.registry, who.card) : checkVehicle(ctx.registry.vehicleByPlate(who.plate), who.plate);
  if (!found.ok) return found;
  const vehicle = found.value;
  const card = 'card' in who ? who.card : null;
  const elsewhere = ctx.cards.heldElsewhere({ card, plate: vehicle.plate }, ctx.lane);
  if (elsewhere) return { ok: false, refusal: refuse.cardAtTwoLanes(elsewhere) };

  const flags = new Set<TicketFlag>();
  if (!ctx.returnedToZero) {
    // PROTOCOLS.md anti-cheat: the scale must return to zero (±n e) between vehicles
    if (!overrides.has('NO_ZERO_RETURN')) return { ok: false, refusal: refuse.noZeroReturn(ctx.lastKg) };
    flags.add('NO_ZERO_RETURN');
  }
  const session: Session = { card, vehicle, site: snapshot.site, open: null, stream: null, permit: null, flags, operator: null };

  const open = openTicketOf(ctx, vehicle.plate, snapshot.site.timezone);
  if (open) return { ok: true, value: { ...session, open, stream: open.stream } };

  const last = lastTicketFor(ctx.journal, vehicle.plate, ctx.now - ctx.policy.repeatWithinMs);
  if (last) {
    // PROTOCOLS.md anti-cheat: refuse a repeat weighing of the same card within T (an operator may override)
    if (!overrides.has('REPEAT_WEIGHING')) return { ok: false, refusal: refuse.repeat(Math.floor((ctx.now - last.createdAt) / 60_000), last.seq) };
    flags.add('REPEAT_WEIGHING');
  }

  const stream = chooseStream(vehicle, snapshot.site, ctx.policy.defaultStream, null);
  if (!stream.ok) return stream;
  if (stream.value !== 'ask') {
    const permit = checkPermit(ctx.registry, snapshot.site, vehicle.plate, stream.value, ctx.now);
    if (!permit.ok) return permit;
    session.stream = stream.value;
    session.permit = permit.value;
  }

  // the journal keeps one open ticket per lane: a second first pass here would overwrite it
  const heldHere = ctx.journal.openTickets().find((o) => o.lane === ctx.lane);
  if (heldHere && opensTicket(ctx.policy, vehicle, ctx.now)) return { ok: false, refusal: refuse.laneHoldsOpenTicket(heldHere.plate) };
  return { ok: true, value: session };
}

/** True when this vehicle's next pass here is the first of two (no usable one-pass tare). */
export function opensTicket(policy: LanePolicy, vehicle: Vehicle, at: number): boolean {
  return policy.weighing === 'TWO_PASS' || usableStoredTare(vehicle, at) === null;
}

/** The vehicle's open first pass on any lane of this device, unless a ticket already completed it. */
function openTicketOf(ctx: IdentifyContext, plate: string, timeZone: string): OpenTicket | null {
  const open = ctx.journal.openTickets().find((o) => o.plate === plate);
  if (!open) return null;
  if (ticketCompleting(ctx.journal, open, timeZone)) {
    ctx.journal.deleteOpenTicket(open.lane); // the earlier completion could not delete it
    return null;
  }
  return open;
}

/** The stream the operator picked for a first pass; re-checks what the choice depends on. */
export function selectStreamFor(registry: RegistryView, session: Session, stream: StreamCode, at: number): Check<{ stream: StreamCode; permit: Permit | null }> {
  const chosen = chooseStream(session.vehicle, session.site, null, stream);
  if (!chosen.ok) return chosen;
  const permit = checkPermit(registry, session.site, session.vehicle.plate, stream, at);
  if (!permit.ok) return permit;
  return { ok: true, value: { stream, permit: permit.value } };
}
