/**
 * Who is on (or about to drive onto) the lane, and may they be weighed? Runs the lane checks in
 * the order an operator would ask: is the card good, is the vehicle allowed, is it somewhere
 * else right now, is this its second pass, did the scale return to zero, was it just weighed,
 * what is it carrying, and under which permit.
 */
import type { StreamCode, TicketFlag } from '@haulproof/contracts';
import type { OpenTicket, RegistryView, TicketJournal } from '../types.js';
import type { CardRegistry } from './card-registry.js';
import { checkCard, checkPermit, checkVehicle, chooseStream, type Check, type Permit, type Site, type Vehicle } from './checks.js';
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

  // the vehicle's first pass, made on any lane of this device: this visit completes it
  const open = ctx.journal.openTicketFor(vehicle.plate);
  if (open) return { ok: true, value: { ...session, open, stream: open.stream } };

  const last = ctx.journal.lastTicketFor(vehicle.plate, ctx.now - ctx.policy.repeatWithinMs);
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
  return { ok: true, value: session };
}

/** The stream the operator picked for a first pass; re-checks what the choice depends on. */
export function selectStreamFor(registry: RegistryView, session: Session, stream: StreamCode, at: number): Check<{ stream: StreamCode; permit: Permit | null }> {
  const chosen = chooseStream(session.vehicle, session.site, null, stream);
  if (!chosen.ok) return chosen;
  const permit = checkPermit(registry, session.site, session.vehicle.plate, stream, at);
  if (!permit.ok) return permit;
  return { ok: true, value: { stream, permit: permit.value } };
}
