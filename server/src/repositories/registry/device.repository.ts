import type { Page } from '@haulproof/contracts';
import type { DeviceStatus, Prisma, PrismaClient } from '../../generated/prisma/client.js';
import type { DeviceScope } from '../../services/principal.js';
import { guard } from './db-errors.js';
import { afterCursor, takeOneMore, toPage, type PageRequest } from './paging.js';

// The enrolment token hash never leaves the repository.
const omit = { enrolTokenHash: true, enrolTokenExpiresAt: true } satisfies Prisma.StationDeviceOmit;
const include = { lanes: { select: { scaleId: true }, orderBy: { scaleId: 'asc' } }, site: { select: { districtId: true } } } satisfies Prisma.StationDeviceInclude;
export type DeviceRow = Prisma.StationDeviceGetPayload<{ include: typeof include; omit: typeof omit }>;

export interface DeviceData {
  code: string;
  siteId: string;
  publicKey: string | null;
  status: DeviceStatus;
  scaleIds: string[];
}

/** principal.ts deviceScope as a WHERE clause. */
function scoped(s: DeviceScope): Prisma.StationDeviceWhereInput {
  switch (s.kind) {
    case 'all':
      return {};
    case 'district':
      return { site: { districtId: s.districtId } };
    case 'site':
      return { siteId: s.siteId };
  }
}

export class DeviceRepository {
  constructor(private readonly db: PrismaClient) {}

  async list(scope: DeviceScope, page: PageRequest, filter: { siteId?: string | undefined }): Promise<Page<DeviceRow>> {
    const where = { AND: [scoped(scope), afterCursor(page), filter.siteId ? { siteId: filter.siteId } : {}] };
    return toPage(await this.db.stationDevice.findMany({ where, include, omit, ...takeOneMore(page) }), page);
  }

  find(id: string, scope: DeviceScope = { kind: 'all' }): Promise<DeviceRow | null> {
    return this.db.stationDevice.findFirst({ where: { AND: [{ id }, scoped(scope)] }, include, omit });
  }

  /** Has this device signed anything the ledger holds? */
  async hasRecords(id: string): Promise<boolean> {
    return (await this.db.deviceRecord.count({ where: { deviceId: id }, take: 1 })) > 0;
  }

  async exists(id: string): Promise<boolean> {
    return (await this.db.stationDevice.count({ where: { id } })) > 0;
  }

  create({ scaleIds, ...data }: DeviceData): Promise<DeviceRow> {
    return guard('device', this.db.stationDevice.create({ data: { ...data, lanes: { create: scaleIds.map((scaleId) => ({ scaleId })) } }, include, omit }));
  }

  update(id: string, { scaleIds, ...data }: DeviceData): Promise<DeviceRow> {
    return guard(
      'device',
      this.db.stationDevice.update({ where: { id }, data: { ...data, lanes: { deleteMany: {}, create: scaleIds.map((scaleId) => ({ scaleId })) } }, include, omit }),
    );
  }

  async remove(id: string): Promise<void> {
    await guard('device', this.db.stationDevice.delete({ where: { id } }));
  }
}
