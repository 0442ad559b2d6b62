// Transfer-station mass balance per day × stream. Only inbound and outbound are
// weighed; the stock on the floor and the leachate drained are not. So the stock
// is carried as an interval:
//   closing max = opening max + in − out                    (nothing lost)
//   closing min = opening min + in − out − loss allowance    (all the allowance lost)
// A station clears its floor daily (日产日清), up to a carry limit. The balance is
// broken when even the most favourable reading cannot explain the day:
//   closing min > carry limit + tolerance  → waste stayed or left unweighed;
//   closing max < −tolerance               → more left than ever came in.
// A broken balance is written off, as after a stocktake: the next day starts from
// "anything between empty and the carry limit", so one loss is reported once.
//
// Estimated tonnes (估重, recorded while a scale could not weigh) cannot prove an imbalance,
// as they cannot prove a custody leg's difference (custody.ts): the tolerance grows by every
// estimated kg in and out, as if each estimate could be wrong by all of itself. A day whose
// gap its estimates could explain is not broken; a gap beyond that still is. The stock
// interval itself is left as computed, so the carried stock does not drift wider.
//
// The same pass keeps each pile's district mix: carried stock plus today's inbound,
// by district. Departures are shared out by it (attribution.ts).
import { addMix, apportion } from './apportion.js';
import { anomaly } from './anomalies.js';
import { kg } from './format.js';
import { stationLossShare, type ReconRules } from './rules.js';
import type { AnomalyCandidate, Day, Mix, ProvenanceKg, ReconTicket, Registry, StationBalanceRow, StationState } from './types.js';

export interface BalanceResult {
  rows: StationBalanceRow[];
  states: StationState[];
  anomalies: AnomalyCandidate[];
}

const zero = (): ProvenanceKg => ({ WEIGHED: 0, STORED_TARE: 0, KEYED: 0, ESTIMATED: 0 });
const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/**
 * @param districtOf the district an inbound load at a station was collected in ('' = unknown)
 */
export function stationBalancesForDay(day: Day, tickets: readonly ReconTicket[], prev: readonly StationState[], districtOf: (t: ReconTicket) => string, registry: Registry, rules: ReconRules, isClosed: (siteId: string) => boolean): BalanceResult {
  interface Pile { siteId: string; stream: ReconTicket['stream']; inKg: number; outKg: number; inProv: ProvenanceKg; outProv: ProvenanceKg; inMix: Mix; evidence: string[] }
  const piles = new Map<string, Pile>();
  const pile = (siteId: string, stream: ReconTicket['stream']): Pile => {
    const key = `${siteId}|${stream}`;
    let p = piles.get(key);
    if (!p) piles.set(key, (p = { siteId, stream, inKg: 0, outKg: 0, inProv: zero(), outProv: zero(), inMix: {}, evidence: [] }));
    return p;
  };
  for (const t of tickets) {
    if (t.serviceDay !== day || registry.sites.get(t.siteId)?.kind !== 'TRANSFER_STATION') continue;
    const p = pile(t.siteId, t.stream);
    if (t.direction === 'IN') {
      p.inKg += t.netKg;
      p.inProv[t.provenance] += t.netKg;
      const d = districtOf(t);
      p.inMix[d] = (p.inMix[d] ?? 0) + t.netKg;
    } else {
      p.outKg += t.netKg;
      p.outProv[t.provenance] += t.netKg;
    }
    p.evidence.push(t.id);
  }
  const opening = new Map(prev.map((s) => [`${s.siteId}|${s.stream}`, s]));
  for (const s of prev) if (s.carriedMaxKg > 0) pile(s.siteId, s.stream); // stock on the floor is balanced even on a quiet day

  const result: BalanceResult = { rows: [], states: [], anomalies: [] };
  for (const [key, p] of [...piles].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const o = opening.get(key);
    const openingMin = o?.carriedMinKg ?? 0;
    const openingMax = o?.carriedMaxKg ?? 0;
    const allowance = Math.round(p.inKg * stationLossShare(rules, p.stream));
    const closingMin = openingMin + p.inKg - p.outKg - allowance;
    const closingMax = openingMax + p.inKg - p.outKg;
    const estimatedKg = p.inProv.ESTIMATED + p.outProv.ESTIMATED;
    const tolerance = Math.max(rules.balanceToleranceKg, Math.round((p.inKg + p.outKg) * rules.balanceToleranceShare)) + estimatedKg;
    const limit = rules.stationCarryLimitKg;
    const imbalance = closingMin > limit + tolerance ? closingMin - limit : closingMax < -tolerance ? closingMax : 0;
    const carriedMin = imbalance !== 0 ? 0 : clamp(closingMin, 0, limit);
    const carriedMax = imbalance !== 0 ? limit : clamp(closingMax, 0, limit);
    const mix = addMix(o?.closingMix ?? {}, p.inMix);
    const closingMix = apportion(carriedMax, mix);
    result.rows.push({
      siteId: p.siteId, serviceDay: day, stream: p.stream, openingMinKg: openingMin, openingMaxKg: openingMax, inKg: p.inKg, outKg: p.outKg, lossAllowanceKg: allowance,
      closingMinKg: closingMin, closingMaxKg: closingMax, carriedMinKg: carriedMin, carriedMaxKg: carriedMax, toleranceKg: tolerance, imbalanceKg: imbalance,
      provenance: { in: p.inProv, out: p.outProv }, mix, closingMix,
    });
    result.states.push({ siteId: p.siteId, stream: p.stream, carriedMinKg: carriedMin, carriedMaxKg: carriedMax, closingMix, mix });
    if (imbalance !== 0 && isClosed(p.siteId)) {
      const site = registry.sites.get(p.siteId)!;
      const why = [
        `opening stock ${kg(openingMin)} … ${kg(openingMax)}; in ${kg(p.inKg)}; out ${kg(p.outKg)}; loss allowed 0 … ${kg(allowance)} (${Math.round(stationLossShare(rules, p.stream) * 1000) / 10} % of inbound)`,
        `closing stock ${kg(closingMin)} … ${kg(closingMax)}; a station may carry 0 … ${kg(limit)} overnight (tolerance ${kg(tolerance)}${estimatedKg > 0 ? `, of which ${kg(estimatedKg)} for estimated weights (估重)` : ''})`,
        imbalance > 0 ? `at least ${kg(imbalance)} beyond what the station can hold: waste left unweighed, or inbound weights are inflated` : `${kg(-imbalance)} more left than came in: outbound weights are inflated, or inbound loads were not weighed`,
        `the stock is written off: tomorrow starts from 0 … ${kg(limit)}`,
      ];
      result.anomalies.push(
        anomaly('STATION_IMBALANCE', `STATION_IMBALANCE:${p.siteId}:${p.stream}:${day}`, { serviceDay: day, siteId: p.siteId, districtId: site.districtId, carrierId: null, vehicleId: null, routeId: null, permitId: null, stream: p.stream },
          `${site.code} ${p.stream} on ${day} does not balance: in ${kg(p.inKg)}, out ${kg(p.outKg)}, ${imbalance > 0 ? `${kg(imbalance)} unaccounted for` : `${kg(-imbalance)} more out than in`}`,
          { why, inKg: p.inKg, outKg: p.outKg, closingMinKg: closingMin, closingMaxKg: closingMax, imbalanceKg: imbalance }, p.evidence),
      );
    }
  }
  return result;
}
