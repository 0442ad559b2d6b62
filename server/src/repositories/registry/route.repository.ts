import type { Page } from '@haulproof/contracts';
import type { Prisma, PrismaClient } from '../../generated/prisma/client.js';
import type { RouteScope } from '../../services/principal.js';
import { guard } from './db-errors.js';
import { afterCursor, takeOneMore, toPage, type PageRequest } from './paging.js';

const include = {
  vehicles: { select: { vehicleId: true }, orderBy: { vehicleId: 'asc' } },
  points: { orderBy: { ordinal: 'asc' } },
} satisfies Prisma.CollectionRouteInclude;
export type RouteRow = Prisma.CollectionRouteGetPayload<{ include: typeof include }>;

export interface RouteData {
  code: string;
  name: string;
  districtId: string;
  streamCode: string;
  destinationSiteId: string;
  originSiteId: string | null;
  scheduleDays: number[];
  shiftStart: string;
  plannedTrips: number;
  plannedKg: number;
  active: boolean;
  effectiveFrom: Date | null;
  effectiveTo: Date | null;
  kgTolerance: number | null;
  vehicleIds: string[];
  points: { name: string; latitude: number | null; longitude: number | null }[];
}

/** principal.ts routeScope as a WHERE clause. */
function scoped(s: RouteScope): Prisma.CollectionRouteWhereInput {
  switch (s.kind) {
    case 'all':
      return {};
    case 'district':
      return { districtId: s.districtId };
    case 'carrier':
      return { vehicles: { some: { vehicle: { carrierId: s.carrierId } } } };
    case 'site':
      return { destinationSiteId: s.siteId };
  }
}

// Points are numbered in the order given: ordinal 1 is the first stop.
function children(vehicleIds: string[], points: RouteData['points']) {
  return {
    vehicles: { create: vehicleIds.map((vehicleId) => ({ vehicleId })) },
    points: { create: points.map((p, i) => ({ ordinal: i + 1, name: p.name, latitude: p.latitude, longitude: p.longitude })) },
  };
}

export class RouteRepository {
  constructor(private readonly db: PrismaClient) {}

  async list(scope: RouteScope, page: PageRequest, filter: { districtId?: string | undefined }): Promise<Page<RouteRow>> {
    const where = { AND: [scoped(scope), afterCursor(page), filter.districtId ? { districtId: filter.districtId } : {}] };
    return toPage(await this.db.collectionRoute.findMany({ where, include, ...takeOneMore(page) }), page);
  }

  find(id: string, scope: RouteScope = { kind: 'all' }): Promise<RouteRow | null> {
    return this.db.collectionRoute.findFirst({ where: { AND: [{ id }, scoped(scope)] }, include });
  }

  async exists(id: string): Promise<boolean> {
    return (await this.db.collectionRoute.count({ where: { id } })) > 0;
  }

  create({ vehicleIds, points, ...data }: RouteData): Promise<RouteRow> {
    return guard('route', this.db.collectionRoute.create({ data: { ...data, ...children(vehicleIds, points) }, include }));
  }

  update(id: string, { vehicleIds, points, ...data }: RouteData): Promise<RouteRow> {
    const kids = children(vehicleIds, points);
    return guard(
      'route',
      this.db.collectionRoute.update({
        where: { id },
        data: { ...data, vehicles: { deleteMany: {}, ...kids.vehicles }, points: { deleteMany: {}, ...kids.points } },
        include,
      }),
    );
  }

  async remove(id: string): Promise<void> {
    await guard('route', this.db.collectionRoute.delete({ where: { id } }));
  }
}
