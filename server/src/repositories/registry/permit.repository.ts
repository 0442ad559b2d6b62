import type { Page } from '@haulproof/contracts';
import type { Prisma, PrismaClient } from '../../generated/prisma/client.js';
import type { PermitScope } from '../../services/principal.js';
import { guard } from './db-errors.js';
import { afterCursor, takeOneMore, toPage, type PageRequest } from './paging.js';

const include = { vehicles: { select: { vehicleId: true }, orderBy: { vehicleId: 'asc' } } } satisfies Prisma.PermitInclude;
export type PermitRow = Prisma.PermitGetPayload<{ include: typeof include }>;

export interface PermitData {
  permitNo: string;
  originSiteId: string;
  carrierId: string;
  disposalSiteId: string;
  streamCode: string;
  validFrom: Date;
  validTo: Date;
  approvedVolumeM3: number;
  approvedKg: number | null;
  vehicleIds: string[];
}

/** principal.ts permitScope as a WHERE clause: a permit touches the sites at both of its ends. */
function scoped(s: PermitScope): Prisma.PermitWhereInput {
  switch (s.kind) {
    case 'all':
      return {};
    case 'district':
      return { OR: [{ origin: { districtId: s.districtId } }, { disposal: { districtId: s.districtId } }] };
    case 'carrier':
      return { carrierId: s.carrierId };
    case 'site':
      return { OR: [{ originSiteId: s.siteId }, { disposalSiteId: s.siteId }] };
  }
}

export class PermitRepository {
  constructor(private readonly db: PrismaClient) {}

  async list(scope: PermitScope, page: PageRequest, filter: { carrierId?: string | undefined }): Promise<Page<PermitRow>> {
    const where = { AND: [scoped(scope), afterCursor(page), filter.carrierId ? { carrierId: filter.carrierId } : {}] };
    return toPage(await this.db.permit.findMany({ where, include, ...takeOneMore(page) }), page);
  }

  find(id: string, scope: PermitScope = { kind: 'all' }): Promise<PermitRow | null> {
    return this.db.permit.findFirst({ where: { AND: [{ id }, scoped(scope)] }, include });
  }

  async exists(id: string): Promise<boolean> {
    return (await this.db.permit.count({ where: { id } })) > 0;
  }

  create({ vehicleIds, ...data }: PermitData): Promise<PermitRow> {
    return guard('permit', this.db.permit.create({ data: { ...data, vehicles: { create: vehicleIds.map((vehicleId) => ({ vehicleId })) } }, include }));
  }

  update(id: string, { vehicleIds, ...data }: PermitData): Promise<PermitRow> {
    return guard('permit', this.db.permit.update({ where: { id }, data: { ...data, vehicles: { deleteMany: {}, create: vehicleIds.map((vehicleId) => ({ vehicleId })) } }, include }));
  }

  async remove(id: string): Promise<void> {
    await guard('permit', this.db.permit.delete({ where: { id } }));
  }
}
