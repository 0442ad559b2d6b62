// Checks on single weighings against the registry, and on a site's day:
//   category  — a stream a site does not accept; a stream the vehicle is not registered for;
//   weighing  — gross above the vehicle's maximum; tare far from the registered tare;
//   permits   — construction waste without a permit, outside its dates, by a vehicle it
//               does not list, or tipped at a site it does not name;
//   capacity  — a site's intake for a closed day above its stated capacity.
// A delivered load is weighed twice (departure and arrival). Checks about the load
// rather than the weighing are made once, on the departure, so one load is one finding.
// An estimated weight (估重) was never on a scale: it can show neither an overweight truck
// nor a manipulated tare, so the weighing checks leave it out.
import type { StreamCode } from '@haulproof/contracts';
import { anomaly, type AnomalyScope } from './anomalies.js';
import { kg, signedKg } from './format.js';
import type { ReconRules } from './rules.js';
import type { AnomalyCandidate, Day, PermitDayRow, ReconTicket, Registry } from './types.js';

const PERMIT_STREAMS: ReadonlySet<StreamCode> = new Set(['CONSTRUCTION', 'RENOVATION']);

export interface CheckResult {
  anomalies: AnomalyCandidate[];
  permitDays: PermitDayRow[];
}

export function checksForDay(day: Day, tickets: readonly ReconTicket[], arrivals: ReadonlyMap<string, ReconTicket>, registry: Registry, rules: ReconRules, isClosed: (siteId: string) => boolean): CheckResult {
  const anomalies: AnomalyCandidate[] = [];
  const permitUse = new Map<string, PermitDayRow>();
  const intake = new Map<string, { kg: number; ids: string[] }>();

  for (const t of tickets) {
    if (t.serviceDay !== day) continue;
    const site = registry.sites.get(t.siteId)!;
    const vehicle = registry.vehicles.get(t.vehicleId);
    const plate = vehicle?.plate ?? t.vehicleId;
    const out = arrivals.get(t.id); // this inbound delivered that departure
    const scope: AnomalyScope = { serviceDay: day, siteId: t.siteId, districtId: site.districtId, carrierId: vehicle?.carrierId ?? null, vehicleId: t.vehicleId, routeId: t.routeId, permitId: t.permitId, stream: t.stream };
    const raise = (kind: AnomalyCandidate['kind'], summary: string, why: string[], extra: Record<string, unknown> = {}) => anomalies.push(anomaly(kind, `${kind}:${t.id}`, scope, summary, { why, ...extra }, [t.id]));

    if (t.direction === 'IN') {
      const i = intake.get(t.siteId) ?? { kg: 0, ids: [] };
      i.kg += t.netKg;
      i.ids.push(t.id);
      intake.set(t.siteId, i);
      if (!site.streams.has(t.stream)) raise('STREAM_NOT_ACCEPTED', `${plate} delivered ${kg(t.netKg)} ${t.stream} to ${site.code}, which does not accept it (${t.ticketNo})`, [`${site.code} accepts ${[...site.streams].sort().join(', ') || 'nothing'}`]);
    }
    const checkedOnDeparture = out !== undefined && out.stream === t.stream;
    if (vehicle && !vehicle.streams.has(t.stream) && !checkedOnDeparture) {
      raise('VEHICLE_STREAM_UNREGISTERED', `${plate} carried ${t.stream}, which it is not registered for (${t.ticketNo} at ${site.code})`, [`${plate} is registered for ${[...vehicle.streams].sort().join(', ') || 'nothing'}`]);
    }
    if (vehicle && t.provenance !== 'ESTIMATED' && t.grossKg > vehicle.maxGrossKg && !(out && out.provenance !== 'ESTIMATED' && out.grossKg > vehicle.maxGrossKg)) {
      raise('OVERWEIGHT', `${plate} weighed ${kg(t.grossKg)} gross at ${site.code}, above its registered maximum of ${kg(vehicle.maxGrossKg)} (${t.ticketNo})`, [`over by ${kg(t.grossKg - vehicle.maxGrossKg)}`], { grossKg: t.grossKg, maxGrossKg: vehicle.maxGrossKg });
    }
    if (vehicle?.storedTareKg && t.tareSource !== 'STORED' && t.tareSource !== 'ESTIMATED') {
      const deviation = t.tareKg - vehicle.storedTareKg;
      const allowed = Math.max(rules.tareToleranceKg, Math.round(vehicle.storedTareKg * rules.tareToleranceShare));
      if (Math.abs(deviation) > allowed) {
        raise('TARE_DEVIATION', `${plate}'s ${t.tareSource === 'KEYED' ? 'keyed' : 'weighed'} tare at ${site.code} was ${kg(t.tareKg)}, ${signedKg(deviation)} from its registered ${kg(vehicle.storedTareKg)} (${t.ticketNo})`, [
          `allowed ±${kg(allowed)}`,
          deviation < 0 ? `a light tare inflates the net by ${kg(-deviation)}` : `a heavy tare hides ${kg(deviation)} of load`,
        ], { tareKg: t.tareKg, storedTareKg: vehicle.storedTareKg, deviationKg: deviation });
      }
    }
    if (PERMIT_STREAMS.has(t.stream)) permitChecks(t, out, site.kind === 'PROJECT_SITE', registry, plate, raise, permitUse);
  }

  for (const [siteId, i] of [...intake].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const site = registry.sites.get(siteId)!;
    const capKg = site.capacityTpd * 1000;
    if (capKg > 0 && i.kg > capKg && isClosed(siteId)) {
      anomalies.push(anomaly('CAPACITY_EXCEEDED', `CAPACITY_EXCEEDED:${siteId}:${day}`, { serviceDay: day, siteId, districtId: site.districtId, carrierId: null, vehicleId: null, routeId: null, permitId: null, stream: null }, `${site.code} took in ${kg(i.kg)} on ${day}, above its capacity of ${site.capacityTpd} t/day`, { why: [`intake ${kg(i.kg)} from ${i.ids.length} inbound tickets; capacity ${kg(capKg)}`], intakeKg: i.kg, capacityKg: capKg }, i.ids));
    }
  }
  return { anomalies, permitDays: [...permitUse.values()].sort((a, b) => (a.permitId < b.permitId ? -1 : 1)) };
}

function permitChecks(t: ReconTicket, out: ReconTicket | undefined, atProject: boolean, registry: Registry, plate: string, raise: (kind: AnomalyCandidate['kind'], summary: string, why: string[]) => void, use: Map<string, PermitDayRow>): void {
  const site = registry.sites.get(t.siteId)!;
  // A delivered load's permit is checked on its departure; the arrival only counts against it.
  const permitId = t.permitId ?? out?.permitId ?? null;
  const permit = permitId ? registry.permits.get(permitId) : undefined;
  const disposal = t.direction === 'IN' && !atProject;
  if (disposal && permit) {
    const row = use.get(permit.id) ?? { permitId: permit.id, serviceDay: t.serviceDay, trips: 0, netKg: 0, byProvenance: { WEIGHED: 0, STORED_TARE: 0, KEYED: 0, ESTIMATED: 0 } };
    row.trips += 1;
    row.netKg += t.netKg;
    row.byProvenance[t.provenance] += t.netKg;
    use.set(permit.id, row);
  }
  if (out && PERMIT_STREAMS.has(out.stream)) return;
  if (!permit) {
    raise('PERMIT_MISSING', `${plate} carried ${kg(t.netKg)} ${t.stream} ${disposal ? `into ${site.code}` : `out of ${site.code}`} without a disposal permit (${t.ticketNo})`, ['construction and renovation waste moves only under a 处置证']);
    return;
  }
  if (t.serviceDay < permit.validFrom || t.serviceDay > permit.validTo) {
    raise('PERMIT_EXPIRED', `${plate} carried ${t.stream} under permit ${permit.permitNo} on ${t.serviceDay}, outside its validity ${permit.validFrom} … ${permit.validTo} (${t.ticketNo})`, [t.serviceDay > permit.validTo ? 'the permit had expired' : 'the permit was not yet valid']);
  }
  if (!permit.vehicleIds.has(t.vehicleId)) raise('PERMIT_VEHICLE_NOT_LISTED', `${plate} carried ${t.stream} under permit ${permit.permitNo}, which does not list it (${t.ticketNo})`, [`the permit lists ${permit.vehicleIds.size} vehicle(s)`]);
  if (disposal && permit.disposalSiteId !== t.siteId) {
    raise('PERMIT_WRONG_SITE', `${plate} tipped ${t.stream} under permit ${permit.permitNo} at ${site.code}; the permit names ${registry.sites.get(permit.disposalSiteId)?.code ?? permit.disposalSiteId} (${t.ticketNo})`, ['disposal at a site the permit does not name']);
  }
}
