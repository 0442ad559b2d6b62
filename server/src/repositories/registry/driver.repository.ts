import type { Page } from '@haulproof/contracts';
import type { Driver, PrismaClient } from '../../generated/prisma/client.js';
import type { FleetScope } from '../../services/principal.js';
import { guard } from './db-errors.js';
import { ownedByCarrierWhere } from './fleet-scope.js';
import { afterCursor, takeOneMore, toPage, type PageRequest } from './paging.js';

export type DriverRow = Driver;
export interface DriverData {
  carrierId: string;
  name: string;
  phone: string | null;
}

export class DriverRepository {
  constructor(private readonly db: PrismaClient) {}

  async list(scope: FleetScope, page: PageRequest, filter: { carrierId?: string | undefined }): Promise<Page<DriverRow>> {
    const where = { AND: [ownedByCarrierWhere(scope), afterCursor(page), filter.carrierId ? { carrierId: filter.carrierId } : {}] };
    return toPage(await this.db.driver.findMany({ where, ...takeOneMore(page) }), page);
  }

  find(id: string, scope: FleetScope = { kind: 'all' }): Promise<DriverRow | null> {
    return this.db.driver.findFirst({ where: { AND: [{ id }, ownedByCarrierWhere(scope)] } });
  }

  async exists(id: string): Promise<boolean> {
    return (await this.db.driver.count({ where: { id } })) > 0;
  }

  create(data: DriverData): Promise<DriverRow> {
    return guard('driver', this.db.driver.create({ data }));
  }

  update(id: string, data: DriverData): Promise<DriverRow> {
    return guard('driver', this.db.driver.update({ where: { id }, data }));
  }

  async remove(id: string): Promise<void> {
    await guard('driver', this.db.driver.delete({ where: { id } }));
  }
}
