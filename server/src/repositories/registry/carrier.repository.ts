import type { Page } from '@haulproof/contracts';
import type { Carrier, PrismaClient } from '../../generated/prisma/client.js';
import type { FleetScope } from '../../services/principal.js';
import { guard } from './db-errors.js';
import { carrierWhere } from './fleet-scope.js';
import { afterCursor, takeOneMore, toPage, type PageRequest } from './paging.js';

export type CarrierRow = Carrier;
export interface CarrierData {
  code: string;
  name: string;
  licenceNo: string | null;
  districtId: string | null;
  phone: string | null;
  active: boolean;
}

export class CarrierRepository {
  constructor(private readonly db: PrismaClient) {}

  async list(scope: FleetScope, page: PageRequest, filter: { districtId?: string | undefined }): Promise<Page<CarrierRow>> {
    const where = { AND: [carrierWhere(scope), afterCursor(page), filter.districtId ? { districtId: filter.districtId } : {}] };
    return toPage(await this.db.carrier.findMany({ where, ...takeOneMore(page) }), page);
  }

  /** The carrier if it exists and is in scope; `exists` tells a 403 from a 404. */
  find(id: string, scope: FleetScope = { kind: 'all' }): Promise<CarrierRow | null> {
    return this.db.carrier.findFirst({ where: { AND: [{ id }, carrierWhere(scope)] } });
  }

  async exists(id: string): Promise<boolean> {
    return (await this.db.carrier.count({ where: { id } })) > 0;
  }

  create(data: CarrierData): Promise<CarrierRow> {
    return guard('carrier', this.db.carrier.create({ data }));
  }

  update(id: string, data: CarrierData): Promise<CarrierRow> {
    return guard('carrier', this.db.carrier.update({ where: { id }, data }));
  }

  async remove(id: string): Promise<void> {
    await guard('carrier', this.db.carrier.delete({ where: { id } }));
  }
}
