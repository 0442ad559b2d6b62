import type { Page } from '@haulproof/contracts';
import type { District, PrismaClient } from '../../generated/prisma/client.js';
import { guard } from './db-errors.js';
import { afterCursor, takeOneMore, toPage, type PageRequest } from './paging.js';

export type DistrictRow = District;
export interface DistrictData {
  code: string;
  nameZh: string;
  nameEn: string;
  population: number;
}

export class DistrictRepository {
  constructor(private readonly db: PrismaClient) {}

  async list(page: PageRequest): Promise<Page<DistrictRow>> {
    return toPage(await this.db.district.findMany({ where: afterCursor(page), ...takeOneMore(page) }), page);
  }

  find(id: string): Promise<DistrictRow | null> {
    return this.db.district.findUnique({ where: { id } });
  }

  create(data: DistrictData): Promise<DistrictRow> {
    return guard('district', this.db.district.create({ data }));
  }

  update(id: string, data: DistrictData): Promise<DistrictRow> {
    return guard('district', this.db.district.update({ where: { id }, data }));
  }

  async remove(id: string): Promise<void> {
    await guard('district', this.db.district.delete({ where: { id } }));
  }
}
