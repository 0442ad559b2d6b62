// One load's trace: route run → transfer station → plant, with every ticket and finding on the way.
import type { AnomalyView, TracePile, TracePileRun, TraceTicket, TraceView } from '@haulproof/contracts';
import { scopeOf } from '../reconciliation/worker.js';
import type { AnomalyRepository } from '../repositories/reconciliation/anomaly.repository.js';
import type { QueryScope } from '../repositories/reconciliation/recon-query.repository.js';
import type { PileKey, PileTicket, ReconTraceRepository, TraceLeg, TraceRow } from '../repositories/reconciliation/recon-trace.repository.js';
import { canSee, permitScope, routeScope, type Principal } from './principal.js';
import { legScope } from './recon-scope.js';
import type { TicketService } from './ticket.service.js';

const ticket = (r: TraceRow): TraceTicket => ({ id: r.id, ticketNo: r.ticketNo, siteId: r.siteId, siteCode: r.siteCode, direction: r.direction, stream: r.stream, netKg: r.netKg, provenance: r.provenance, weighedAt: r.weighedAt, plate: r.plate });
const orNull = <T>(f: () => T): T | null => {
  try {
    return f();
  } catch {
    return null;
  }
};

/**
 * The trace is shown when the ticket is (404 / 403 as GET /tickets/:id). Within it each piece is
 * shown as its own endpoint would show it to the asker:
 * - legs as /legs (the load's own legs always are: they reach or leave what the asker sees);
 * - the pile's inbound tickets as /tickets/:id; the others are summed by the district whose route
 *   brought them (otherInbound), never listed, so no other district's plates or ticket numbers leak;
 * - the pile's runs as /route-runs, findings as /anomalies, the permit as /permits.
 * What is left out is counted in `hidden`, so a partial trace says it is partial.
 */
export class ReconTraceService {
  constructor(
    private readonly repo: ReconTraceRepository,
    private readonly anomalies: Pick<AnomalyRepository, 'byIds'>,
    private readonly tickets: Pick<TicketService, 'get'>,
  ) {}

  async trace(p: Principal, ticketId: string): Promise<TraceView> {
    const scopes = { legs: orNull<QueryScope>(() => legScope(p)), runs: routeScope(p), permits: permitScope(p) };
    // 404 / 403 as for the ticket itself; asked alongside the first reads, whose rows are dropped if it refuses
    const [, [t], run, own] = await Promise.all([this.tickets.get(p, ticketId), this.repo.tickets([ticketId]), this.repo.runOf(ticketId, scopes.runs), this.repo.legsOf(ticketId, scopes.legs)]);
    const arrivedBy = own.find((l) => l.view.inTicketId === ticketId && l.visible) ?? null;
    const departedAs = own.find((l) => l.view.outTicketId === ticketId && l.visible) ?? null;
    // the pile the load was shared from (a delivered departure's, or a station departure's own), else the one a station tip joined
    const ownPile: PileKey | null = t!.siteKind === 'TRANSFER_STATION' ? { siteId: t!.siteId, day: departedAs?.view.serviceDay ?? t!.day, stream: t!.stream } : null;
    const pileKey: PileKey | null = arrivedBy?.fromSiteKind === 'TRANSFER_STATION' ? { siteId: arrivedBy.view.fromSiteId, day: arrivedBy.view.serviceDay, stream: arrivedBy.view.stream } : ownPile;

    const [departures, inbound, mix, fromPile] = await Promise.all([
      this.repo.tickets(arrivedBy ? [arrivedBy.view.outTicketId] : []),
      pileKey ? this.repo.pileInbound(pileKey, scopes.runs) : Promise.resolve([]),
      pileKey ? this.repo.pileMix(pileKey) : Promise.resolve({}),
      ownPile && t!.direction === 'IN' ? this.repo.legsFromPile(ownPile, scopes.legs) : Promise.resolve(own.filter((l) => l.view.outTicketId === ticketId)),
    ]);
    const departure = departures[0] ?? null;
    const downstream = fromPile.filter((l) => l.visible);
    const permitId = t!.permitId ?? departure?.permitId ?? null;
    const runs = pileRuns(inbound);
    const onTheWay = {
      ticketIds: [ticketId, ...(departure ? [departure.id] : []), ...inbound.map((x) => x.id), ...downstream.flatMap((l) => [l.view.outTicketId, ...(l.view.inTicketId ? [l.view.inTicketId] : [])])],
      runs: [...(run ? [{ routeId: run.routeId, day: run.serviceDay }] : []), ...runs.all.map((r) => ({ routeId: r.routeId, day: pileKey!.day }))],
      pile: pileKey,
    };
    const [arrivals, permit, anomalyIds] = await Promise.all([
      this.repo.tickets(downstream.flatMap((l) => (l.view.inTicketId ? [l.view.inTicketId] : []))),
      permitId ? this.repo.permit(permitId, departure?.day ?? t!.day, scopes.permits) : Promise.resolve(null),
      this.repo.anomalyIds(onTheWay),
    ]);
    const found = await this.anomalies.byIds(anomalyIds);
    const anomalies = found.filter((a: AnomalyView) => canSee(p, scopeOf(a)));
    const byId = new Map(arrivals.map((a) => [a.id, ticket(a)]));
    const { visible: _v, ...permitView } = permit ?? { visible: false };
    return {
      ticket: ticket(t!),
      run: run?.visible ? withoutVisible(run) : null,
      upstream: arrivedBy && departure ? { leg: arrivedBy.view, departure: ticket(departure) } : null,
      pile: pileKey ? pile(p, pileKey, inbound, runs.shown, mix) : null,
      downstream: downstream.map(({ view }) => ({ leg: view, arrival: view.inTicketId ? (byId.get(view.inTicketId) ?? null) : null })),
      permit: permit?.visible ? (permitView as TraceView['permit']) : null,
      anomalies,
      hidden: { legs: new Set([...own, ...fromPile].filter((l) => !l.visible).map((l) => l.view.outTicketId)).size, runs: runs.all.length - runs.shown.length + (run && !run.visible ? 1 : 0), anomalies: found.length - anomalies.length, permit: permit !== null && !permit.visible },
    };
  }
}

/** The runs that fed the pile (their trips and kg into it), and of those the ones the asker may see. */
function pileRuns(inbound: PileTicket[]): { all: TracePileRun[]; shown: TracePileRun[] } {
  const byRoute = new Map<string, TracePileRun & { visible: boolean }>();
  for (const x of inbound) {
    if (!x.routeId) continue;
    const r = byRoute.get(x.routeId) ?? { routeId: x.routeId, routeCode: x.routeCode!, districtId: x.routeDistrictId!, status: x.runStatus!, trips: 0, netKg: 0, visible: x.runVisible };
    r.trips += 1;
    r.netKg += x.netKg;
    byRoute.set(x.routeId, r);
  }
  const all = [...byRoute.values()].sort((a, b) => (a.routeCode < b.routeCode ? -1 : a.routeCode > b.routeCode ? 1 : 0));
  const strip = ({ visible: _v, ...r }: TracePileRun & { visible: boolean }): TracePileRun => r;
  return { all: all.map(strip), shown: all.filter((r) => r.visible).map(strip) };
}

function pile(p: Principal, k: PileKey, inbound: PileTicket[], runs: TracePileRun[], mix: Record<string, number>): TracePile {
  const other = new Map<string | null, { districtId: string | null; tickets: number; netKg: number }>();
  const shown: TracePile['inbound'] = [];
  for (const x of inbound) {
    if (canSee(p, x)) {
      shown.push({ ...ticket(x), routeId: x.routeId, routeCode: x.routeCode });
      continue;
    }
    const o = other.get(x.routeDistrictId) ?? { districtId: x.routeDistrictId, tickets: 0, netKg: 0 };
    o.tickets += 1;
    o.netKg += x.netKg;
    other.set(x.routeDistrictId, o);
  }
  return { siteId: k.siteId, serviceDay: k.day, stream: k.stream, inbound: shown, runs, otherInbound: [...other.values()], mix };
}

const withoutVisible = <T extends { visible: boolean }>({ visible: _v, ...rest }: T): Omit<T, 'visible'> => rest;
