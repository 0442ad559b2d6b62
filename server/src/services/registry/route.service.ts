import { RouteInput, type Page, type RouteListQuery, type RouteUpdate } from '@haulproof/contracts';
import { unprocessable } from '../../http/errors.js';
import type { RouteData, RouteRepository, RouteRow } from '../../repositories/registry/route.repository.js';
import type { SiteRepository } from '../../repositories/registry/site.repository.js';
import { localDay } from '../../reconciliation/calendar.js';
import { routeScope, type Principal } from '../principal.js';
import { allowed, dateOnly, distinct, found, fromDateOnly, num, patched, visible } from './common.js';
import type { RegistryChangeSink } from './registry-changes.js';

/** Collection routes (收运线路): a district's trucks, their stops and where the load must go; haul routes: a transfer station's trailers, station → plant. */
export class RouteService {
  constructor(
    private readonly routes: RouteRepository,
    private readonly sites: SiteRepository,
    private readonly changes: RegistryChangeSink,
  ) {}

  list(p: Principal, q: RouteListQuery): Promise<Page<RouteRow>> {
    return this.routes.list(allowed(routeScope(p), 'collection routes'), q, q);
  }

  async get(p: Principal, id: string): Promise<RouteRow> {
    return visible(await this.routes.find(id, allowed(routeScope(p), 'collection routes')), () => this.routes.exists(id), 'route', id);
  }

  /**
   * A route created without `effectiveFrom` takes effect today in its destination's zone:
   * otherwise every stored day before it would be judged against it and found missed.
   * Pass `effectiveFrom: null` explicitly to register a plan that has always applied.
   */
  async create(input: RouteInput): Promise<RouteRow> {
    const data = toData(input);
    const site = await this.checkDestination(data);
    await this.checkOrigin(data);
    if (input.effectiveFrom === undefined) data.effectiveFrom = fromDateOnly(localDay(Date.now(), site.timezone));
    const row = await this.routes.create(data);
    this.changes.announce({ entity: 'route', before: null, after: row });
    return row;
  }

  async update(id: string, patch: RouteUpdate): Promise<RouteRow> {
    const cur = found(await this.routes.find(id), 'route', id);
    const data = toData(patched(RouteInput, asInput(cur), patch, 'route'));
    await this.checkDestination(data);
    await this.checkOrigin(data);
    const row = await this.routes.update(id, data);
    this.changes.announce({ entity: 'route', before: cur, after: row });
    return row;
  }

  async remove(id: string): Promise<void> {
    const cur = await this.routes.find(id);
    await this.routes.remove(id);
    if (cur) this.changes.announce({ entity: 'route', before: cur, after: null });
  }

  // A route delivers one stream; its destination must accept it, or every trip would be a misdelivery.
  private async checkDestination(r: RouteData): Promise<{ timezone: string }> {
    const site = await this.sites.find(r.destinationSiteId);
    if (!site) throw unprocessable(`no site ${r.destinationSiteId}`, [{ path: 'destinationSiteId', message: 'no such site' }]);
    if (!site.streams.some((s) => s.streamCode === r.streamCode)) {
      throw unprocessable(`site ${site.code} does not accept ${r.streamCode}`, [{ path: 'destinationSiteId', message: `does not accept ${r.streamCode}` }]);
    }
    return site;
  }

  // A haul route plans a transfer station's trailers (station → plant): its runs count the
  // arrivals of loads weighed out of that station, so the origin must be one that takes the stream.
  private async checkOrigin(r: RouteData): Promise<void> {
    if (r.originSiteId === null) return;
    if (r.originSiteId === r.destinationSiteId) throw unprocessable('a haul route cannot deliver to the station it leaves', [{ path: 'originSiteId', message: 'must differ from destinationSiteId' }]);
    const site = await this.sites.find(r.originSiteId);
    if (!site) throw unprocessable(`no site ${r.originSiteId}`, [{ path: 'originSiteId', message: 'no such site' }]);
    if (site.kind !== 'TRANSFER_STATION') throw unprocessable(`site ${site.code} is not a transfer station`, [{ path: 'originSiteId', message: 'a haul route leaves a transfer station' }]);
    if (!site.streams.some((s) => s.streamCode === r.streamCode)) {
      throw unprocessable(`site ${site.code} does not accept ${r.streamCode}`, [{ path: 'originSiteId', message: `does not accept ${r.streamCode}` }]);
    }
  }
}

function toData(r: RouteInput): RouteData {
  return {
    ...r,
    effectiveFrom: r.effectiveFrom ? fromDateOnly(r.effectiveFrom) : null,
    effectiveTo: r.effectiveTo ? fromDateOnly(r.effectiveTo) : null,
    originSiteId: r.originSiteId ?? null,
    kgTolerance: r.kgTolerance ?? null,
    vehicleIds: distinct(r.vehicleIds),
    points: r.points.map((p) => ({ name: p.name, latitude: p.latitude ?? null, longitude: p.longitude ?? null })),
  };
}

function asInput(r: RouteRow): RouteInput {
  return {
    code: r.code,
    name: r.name,
    districtId: r.districtId,
    streamCode: r.streamCode as RouteInput['streamCode'],
    destinationSiteId: r.destinationSiteId,
    originSiteId: r.originSiteId,
    scheduleDays: r.scheduleDays,
    shiftStart: r.shiftStart,
    plannedTrips: r.plannedTrips,
    plannedKg: r.plannedKg,
    active: r.active,
    effectiveFrom: r.effectiveFrom ? dateOnly(r.effectiveFrom) : null,
    effectiveTo: r.effectiveTo ? dateOnly(r.effectiveTo) : null,
    kgTolerance: r.kgTolerance,
    vehicleIds: r.vehicles.map((v) => v.vehicleId),
    points: r.points.map((p) => ({ name: p.name, latitude: num(p.latitude), longitude: num(p.longitude) })),
  };
}
