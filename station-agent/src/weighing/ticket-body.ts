/**
 * Turns captured passes into the TicketBody a device signs (contracts/ticket-record.ts). Pure.
 * Two-pass: the heavier pass is gross, the lighter tare, whichever came first; the order gives
 * the direction (heavier first = IN: a delivery arrives full and leaves empty; lighter first =
 * OUT: a haul arrives empty and leaves full; equal passes count as IN).
 * One-pass: gross weighed (or keyed) against the vehicle's stored tare (预置皮重).
 * Estimated (估重): one record of a load no scale weighed; gross = tare + the estimated net.
 */
import { HOUSEHOLD_STREAMS, TicketFlag, type Direction, type EstimateBasis, type StreamCode, type TicketBody } from '@haulproof/contracts';
import type { OpenTicket } from '../types.js';
import type { Vehicle } from './checks.js';
import { formatSiteTime } from './site-time.js';

export interface Pass {
  kg: number;
  source: 'WEIGHED' | 'KEYED';
  at: number; // ms
}

export interface TicketContext {
  site: string;
  lane: string;
  timeZone: string;
  software: string;
  vehicle: Vehicle;
  card: string | null;
  operator: string | null;
  flags: readonly string[]; // carried from the session or the open ticket (WEIGHT_JUMP, REPEAT_WEIGHING…)
  tareDeviationShare: number; // e.g. 0.03
  routeFor: (plate: string, stream: StreamCode) => string | null;
}

export interface TareDeviation {
  tareKg: number;
  storedTareKg: number;
  deviationPermille: number;
  limitPermille: number;
}

function orderedFlags(flags: Iterable<string>): TicketFlag[] {
  const set = new Set(flags);
  return TicketFlag.options.filter((f) => set.has(f)); // schema order, no repeats
}

function inboundRoute(ctx: TicketContext, direction: Direction, stream: StreamCode, known: string | null): string | null {
  // collection routes deliver household streams (四分类) to this site: only inbound loads have one
  if (direction !== 'IN' || !HOUSEHOLD_STREAMS.includes(stream)) return null;
  return known ?? ctx.routeFor(ctx.vehicle.plate, stream);
}

export function twoPassTicket(ctx: TicketContext, open: OpenTicket, second: Pass): { body: TicketBody; tareDeviation: TareDeviation | null } {
  const firstHeavier = open.firstKg >= second.kg;
  const direction: Direction = firstHeavier ? 'IN' : 'OUT';
  const gross = firstHeavier ? { kg: open.firstKg, source: open.firstSource } : { kg: second.kg, source: second.source };
  const tare = firstHeavier ? { kg: second.kg, source: second.source } : { kg: open.firstKg, source: open.firstSource };
  const flags = new Set<string>([...open.flags, ...ctx.flags]);
  if (gross.source === 'KEYED' || tare.source === 'KEYED') flags.add('KEYED');
  if (gross.kg > ctx.vehicle.maxGrossKg) flags.add('OVERWEIGHT');
  let tareDeviation: TareDeviation | null = null;
  const stored = ctx.vehicle.storedTareKg;
  // PROTOCOLS.md anti-cheat: alert when a new tare deviates from the stored one by more than x %
  if (tare.source === 'WEIGHED' && stored !== null && stored > 0 && Math.abs(tare.kg - stored) > ctx.tareDeviationShare * stored) {
    flags.add('TARE_DEVIATION');
    tareDeviation = {
      tareKg: tare.kg,
      storedTareKg: stored,
      deviationPermille: Math.round((Math.abs(tare.kg - stored) * 1000) / stored),
      limitPermille: Math.round(ctx.tareDeviationShare * 1000),
    };
  }
  const body: TicketBody = {
    site: ctx.site,
    lane: ctx.lane,
    plate: open.plate,
    plateSeen: null,
    card: ctx.card ?? open.card,
    stream: open.stream,
    direction,
    grossKg: gross.kg,
    tareKg: tare.kg,
    netKg: gross.kg - tare.kg,
    grossSource: gross.source,
    tareSource: tare.source,
    firstAt: formatSiteTime(open.firstAt, ctx.timeZone),
    secondAt: formatSiteTime(second.at, ctx.timeZone),
    route: inboundRoute(ctx, direction, open.stream, open.route),
    permit: open.permit,
    origin: open.origin ?? (direction === 'OUT' ? ctx.site : null),
    operator: ctx.operator ?? open.operator,
    flags: orderedFlags(flags),
    software: ctx.software,
  };
  return { body, tareDeviation };
}

export interface LoadFacts {
  stream: StreamCode;
  direction: Direction;
  permit: string | null;
  origin: string | null;
}

/** A one-pass ticket: a single weighing at `at`, its weights from `w`; the rest from the lane and the load. */
function onePassTicket(ctx: TicketContext, at: number, load: LoadFacts, w: Pick<TicketBody, 'grossKg' | 'tareKg' | 'grossSource' | 'tareSource'>, flags: Set<string>): TicketBody {
  return {
    site: ctx.site,
    lane: ctx.lane,
    plate: ctx.vehicle.plate,
    plateSeen: null,
    card: ctx.card,
    stream: load.stream,
    direction: load.direction,
    ...w,
    netKg: w.grossKg - w.tareKg,
    firstAt: formatSiteTime(at, ctx.timeZone),
    secondAt: null,
    route: inboundRoute(ctx, load.direction, load.stream, null),
    permit: load.permit,
    origin: load.origin ?? (load.direction === 'OUT' ? ctx.site : null),
    operator: ctx.operator,
    flags: orderedFlags(flags),
    software: ctx.software,
  };
}

export function storedTareTicket(ctx: TicketContext, pass: Pass, storedTareKg: number, load: LoadFacts): TicketBody {
  const flags = new Set<string>([...ctx.flags, 'STORED_TARE']);
  if (pass.source === 'KEYED') flags.add('KEYED');
  if (pass.kg > ctx.vehicle.maxGrossKg) flags.add('OVERWEIGHT');
  return onePassTicket(ctx, pass.at, load, { grossKg: pass.kg, tareKg: storedTareKg, grossSource: pass.source, tareSource: 'STORED' }, flags);
}

/**
 * 估重: the load's weights come from the estimate (estimate.ts), the ticket says so in its sources,
 * its ESTIMATED flag and its basis. No OVERWEIGHT flag: an estimate proves no overload.
 */
export function estimatedTicket(ctx: TicketContext, at: number, e: { netKg: number; tareKg: number; tareSource: 'STORED' | 'ESTIMATED'; basis: EstimateBasis }, load: LoadFacts): TicketBody {
  const flags = new Set<string>([...ctx.flags, 'ESTIMATED']);
  if (e.tareSource === 'STORED') flags.add('STORED_TARE');
  return { ...onePassTicket(ctx, at, load, { grossKg: e.tareKg + e.netKg, tareKg: e.tareKg, grossSource: 'ESTIMATED', tareSource: e.tareSource }, flags), estimate: e.basis };
}
