import type { Page } from '@haulproof/contracts';
import type { Prisma, PrismaClient, VehicleStatus } from '../../generated/prisma/client.js';
import type { FleetScope } from '../../services/principal.js';
import { guard } from './db-errors.js';
import { ownedByCarrierWhere } from './fleet-scope.js';
import { afterCursor, takeOneMore, toPage, type PageRequest } from './paging.js';

const include = { streams: { select: { streamCode: true }, orderBy: { streamCode: 'asc' } } } satisfies Prisma.VehicleInclude;
export type VehicleRow = Prisma.VehicleGetPayload<{ include: typeof include }>;

export interface VehicleData {
  plate: string; // normalised
  plateRaw: string;
  carrierId: string;
  kind: string | null;
  storedTareKg: number | null;
  tareMeasuredAt: Date | null;
  tareExpiresAt: Date | null;
  maxGrossKg: number;
  status: VehicleStatus;
  streams: string[];
}

export class VehicleRepository {
  constructor(private readonly db: PrismaClient) {}

  async list(scope: FleetScope, page: PageRequest, filter: { carrierId?: string | undefined; plate?: string | undefined }): Promise<Page<VehicleRow>> {
    const where = { AND: [ownedByCarrierWhere(scope), afterCursor(page), filter.carrierId ? { carrierId: filter.carrierId } : {}, filter.plate ? { plate: filter.plate } : {}] };
    return toPage(await guard('vehicle', this.db.vehicle.findMany({ where, include, ...takeOneMore(page) })), page);
  }

  find(id: string, scope: FleetScope = { kind: 'all' }): Promise<VehicleRow | null> {
    return this.db.vehicle.findFirst({ where: { AND: [{ id }, ownedByCarrierWhere(scope)] }, include });
  }

  async exists(id: string): Promise<boolean> {
    return (await this.db.vehicle.count({ where: { id } })) > 0;
  }

  findByPlate(plate: string): Promise<VehicleRow | null> {
    return this.db.vehicle.findUnique({ where: { plate }, include });
  }

  /** Carrier of each vehicle, for rules such as "a permit's trucks belong to its carrier". */
  async carriersOf(ids: string[]): Promise<Map<string, string>> {
    const rows = await this.db.vehicle.findMany({ where: { id: { in: ids } }, select: { id: true, carrierId: true } });
    return new Map(rows.map((r) => [r.id, r.carrierId]));
  }

  create({ streams, ...data }: VehicleData): Promise<VehicleRow> {
    return guard('vehicle', this.db.vehicle.create({ data: { ...data, streams: { create: streams.map((streamCode) => ({ streamCode })) } }, include }));
  }

  update(id: string, { streams, ...data }: VehicleData): Promise<VehicleRow> {
    return guard('vehicle', this.db.vehicle.update({ where: { id }, data: { ...data, streams: { deleteMany: {}, create: streams.map((streamCode) => ({ streamCode })) } }, include }));
  }

  async remove(id: string): Promise<void> {
    await guard('vehicle', this.db.vehicle.delete({ where: { id } }));
  }
}
