import { RouteInput, type Page, type RouteListQuery, type RouteUpdate } from '@haulproof/contracts';
import { unprocessable } from '../../http/errors.js';
import type { RouteData, RouteRepository, RouteRow } from '../../repositories/registry/route.repository.js';
import type { SiteRepository } from '../../repositories/registry/site.repository.js';
import { routeScope, type Principal } from '../principal.js';
import { allowed, distinct, found, num, patched, visible } from './common.js';

/** Collection routes (收运线路): a district's trucks, their stops and where the load must go. */
export class RouteService {
  constructor(
    private readonly routes: RouteRepository,
    private readonly sites: SiteRepository,
  ) {}

  list(p: Principal, q: RouteListQuery): Promise<Page<RouteRow>> {
    return this.routes.list(allowed(routeScope(p), 'collection routes'), q, q);
  }

  async get(p: Principal, id: string): Promise<RouteRow> {
    return visible(await this.routes.find(id, allowed(routeScope(p), 'collection routes')), () => this.routes.exists(id), 'route', id);
  }

  async create(input: RouteInput): Promise<RouteRow> {
    const data = toData(input);
    await this.checkDestination(data);
    return this.routes.create(data);
  }

  async update(id: string, patch: RouteUpdate): Promise<RouteRow> {
    const cur = found(await this.routes.find(id), 'route', id);
    const data = toData(patched(RouteInput, asInput(cur), patch, 'route'));
    await this.checkDestination(data);
    return this.routes.update(id, data);
  }

  remove(id: string): Promise<void> {
    return this.routes.remove(id);
  }

  // A route delivers one stream; its destination must accept it, or every trip would be a misdelivery.
  private async checkDestination(r: RouteData): Promise<void> {
    const site = await this.sites.find(r.destinationSiteId);
    if (!site) throw unprocessable(`no site ${r.destinationSiteId}`, [{ path: 'destinationSiteId', message: 'no such site' }]);
    if (!site.streams.some((s) => s.streamCode === r.streamCode)) {
      throw unprocessable(`site ${site.code} does not accept ${r.streamCode}`, [{ path: 'destinationSiteId', message: `does not accept ${r.streamCode}` }]);
    }
  }
}

function toData(r: RouteInput): RouteData {
  return { ...r, vehicleIds: distinct(r.vehicleIds), points: r.points.map((p) => ({ name: p.name, latitude: p.latitude ?? null, longitude: p.longitude ?? null })) };
}

function asInput(r: RouteRow): RouteInput {
  return {
    code: r.code,
    name: r.name,
    districtId: r.districtId,
    streamCode: r.streamCode as RouteInput['streamCode'],
    destinationSiteId: r.destinationSiteId,
    scheduleDays: r.scheduleDays,
    shiftStart: r.shiftStart,
    plannedTrips: r.plannedTrips,
    plannedKg: r.plannedKg,
    active: r.active,
    vehicleIds: r.vehicles.map((v) => v.vehicleId),
    points: r.points.map((p) => ({ name: p.name, latitude: num(p.latitude), longitude: num(p.longitude) })),
  };
}
