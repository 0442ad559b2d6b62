// Who may read which reconciliation figures. Explicit filters outside a person's
// scope are refused (403), not silently emptied: a dashboard asking for another
// district's figures has a bug worth seeing.
import { forbidden } from '../http/errors.js';
import type { QueryScope } from '../repositories/reconciliation/recon-query.repository.js';
import { permitScope, routeScope, targetScope, type Principal } from './principal.js';

const ALL: QueryScope = { kind: 'all' };
const cityWide = (p: Principal) => p.role === 'ADMIN' || (p.role === 'INSPECTOR' && p.districtId === null);

/** Site figures (tonnes weighed, station balances): operators their site; district offices and inspectors their district. Not carriers. */
export function siteFigureScope(p: Principal): QueryScope {
  if (cityWide(p)) return ALL;
  if (p.role === 'OPERATOR' && p.siteId) return { kind: 'site', siteId: p.siteId };
  if ((p.role === 'INSPECTOR' || p.role === 'DISPATCHER') && p.districtId) return { kind: 'district', districtId: p.districtId };
  throw forbidden('site figures are for the bureau, district offices and each site’s own operators');
}

/** District figures and metrics: the bureau and district offices (as for targets). */
export function districtFigureScope(p: Principal): QueryScope {
  const s = targetScope(p);
  if (!s) throw forbidden('district figures are for the bureau and district offices');
  return s;
}

/** Route runs: as the routes themselves (district, the carrier's trucks, runs delivering to the site). */
export function runScope(p: Principal): QueryScope {
  const s = routeScope(p);
  if (!s) throw forbidden('route runs are outside your scope');
  return s;
}

/** Permit usage: as the permits themselves (origin or disposal site, district, the carrier's own). */
export function permitUsageScope(p: Principal): QueryScope {
  const s = permitScope(p);
  if (!s) throw forbidden('permits are outside your scope');
  return s;
}

/** Custody legs: loads leaving or reaching the site or district; a carrier's own trucks. */
export function legScope(p: Principal): QueryScope {
  if (cityWide(p)) return ALL;
  if (p.role === 'OPERATOR' && p.siteId) return { kind: 'site', siteId: p.siteId };
  if (p.role === 'DISPATCHER' && p.carrierId) return { kind: 'carrier', carrierId: p.carrierId };
  if (p.districtId) return { kind: 'district', districtId: p.districtId };
  throw forbidden('custody legs are outside your scope');
}

/** Refuses explicit site or district filters that lie outside the scope. */
export async function checkFilters(scope: QueryScope, f: { siteId?: string | undefined; districtId?: string | undefined }, siteDistrict: (siteId: string) => Promise<string | null>): Promise<void> {
  if (scope.kind === 'site') {
    if (f.siteId && f.siteId !== scope.siteId) throw forbidden('that site is outside your scope');
    if (f.districtId && f.districtId !== (await siteDistrict(scope.siteId))) throw forbidden('that district is outside your scope');
  }
  if (scope.kind === 'district') {
    if (f.districtId && f.districtId !== scope.districtId) throw forbidden('that district is outside your scope');
    if (f.siteId && (await siteDistrict(f.siteId)) !== scope.districtId) throw forbidden('that site is outside your scope');
  }
}
