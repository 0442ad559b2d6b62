/**
 * What one captured (or keyed) weight does: complete the vehicle's open ticket (opened on any lane
 * of this device; the ticket names this lane), make a one-pass ticket against the stored tare, or
 * open a ticket for the second pass (at most one per vehicle, any number per lane). The journal write comes
 * first; nothing is reported until it returned (STYLE.md 7: custody data is durable before it is
 * acknowledged). Journal errors propagate to the lane, which faults.
 */
import { TicketBody, type StationEventType } from '@haulproof/contracts';
import type { JournalEntry, OpenTicket, RegistryView, TicketJournal } from '../types.js';
import { usableStoredTare } from './checks.js';
import type { Session } from './identify.js';
import type { EventFacts } from './lane-events.js';
import type { LanePolicy } from './lane-options.js';
import { refuse, type Refusal } from './refusals.js';
import { storedTareTicket, twoPassTicket, type Pass, type TicketContext } from './ticket-body.js';

export type PassOutcome =
  | { kind: 'opened'; open: OpenTicket }
  | { kind: 'completed'; entry: JournalEntry; body: TicketBody; followUpError: unknown }
  | { kind: 'refused'; refusal: Refusal };

export interface PassContext {
  lane: string;
  journal: TicketJournal;
  registry: RegistryView;
  policy: LanePolicy;
  software: string;
  operator: string | null; // the operator on duty, when the session names none
  event: (type: StationEventType, message: string, facts: EventFacts) => JournalEntry; // throws like the journal
}

/** What every ticket of this session is made with (ticket-body.ts). */
export function ticketContext(ctx: PassContext, session: Session): TicketContext {
  return {
    site: session.site.code,
    lane: ctx.lane,
    timeZone: session.site.timezone,
    software: ctx.software,
    vehicle: session.vehicle,
    card: session.card,
    operator: session.operator ?? ctx.operator,
    flags: [...session.flags],
    tareDeviationShare: ctx.policy.tareDeviationShare,
    routeFor: (plate, s) => ctx.registry.routeFor(plate, s)?.code ?? null,
  };
}

export function recordPass(ctx: PassContext, session: Session, pass: Pass): PassOutcome {
  const { vehicle } = session;
  const stream = session.stream;
  if (!stream) throw new Error('recordPass needs a stream'); // the lane only captures once one is chosen
  const tc = ticketContext(ctx, session);

  if (session.open) {
    const { body, tareDeviation } = twoPassTicket(tc, session.open, pass);
    // one transaction: the ticket is appended and the first pass closed, or neither
    const entry = ctx.journal.completeOpenTicket(session.open.plate, TicketBody.parse(body));
    return completed(entry, body, () => {
      if (tareDeviation) {
        const msg = `皮重偏差 ${tareDeviation.deviationPermille / 10}% / tare deviates ${tareDeviation.deviationPermille / 10} % from the stored tare`;
        ctx.event('TARE_DEVIATION', msg, { plate: body.plate, card: body.card, details: { ...tareDeviation }, ticketSeq: entry.seq });
      }
    });
  }

  const storedTare = ctx.policy.weighing === 'STORED_TARE' ? usableStoredTare(vehicle, pass.at) : null;
  if (storedTare !== null) {
    if (pass.kg <= storedTare) return { kind: 'refused', refusal: refuse.grossNotAboveTare(pass.kg, storedTare) };
    const load = { stream, direction: ctx.policy.storedTareDirection, permit: session.permit?.permitNo ?? null, origin: session.permit?.originSiteCode ?? null };
    const body = storedTareTicket(tc, pass, storedTare, load);
    const entry = ctx.journal.appendTicket(TicketBody.parse(body));
    return completed(entry, body, () => undefined);
  }

  const open: OpenTicket = {
    lane: ctx.lane,
    plate: vehicle.plate,
    card: session.card,
    stream,
    direction: 'IN', // provisional: the order of the passes decides it when the second pass completes the ticket
    firstKg: pass.kg,
    firstSource: pass.source,
    firstAt: pass.at,
    route: ctx.registry.routeFor(vehicle.plate, stream)?.code ?? null,
    permit: session.permit?.permitNo ?? null,
    origin: session.permit?.originSiteCode ?? null,
    operator: tc.operator,
    flags: [...session.flags, ...(pass.source === 'KEYED' ? ['KEYED'] : [])],
  };
  ctx.journal.saveOpenTicket(open);
  return { kind: 'opened', open };
}

/** The ticket is journaled; later writes may still fail, and the lane must hear about both. */
function completed(entry: JournalEntry, body: TicketBody, followUp: () => void): PassOutcome {
  let followUpError: unknown = null;
  try {
    followUp();
  } catch (err) {
    followUpError = err;
  }
  return { kind: 'completed', entry, body, followUpError };
}
