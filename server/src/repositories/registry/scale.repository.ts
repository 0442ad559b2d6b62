import type { Page } from '@haulproof/contracts';
import type { IndicatorProtocol, Parity, PrismaClient, Scale } from '../../generated/prisma/client.js';
import { guard } from './db-errors.js';
import { afterCursor, takeOneMore, toPage, type PageRequest } from './paging.js';

export type ScaleRow = Scale;
export interface ScaleData {
  siteId: string;
  code: string;
  name: string;
  maxKg: number;
  divisionKg: number;
  minLoadKg: number;
  protocol: IndicatorProtocol;
  portPath: string | null;
  baudRate: number;
  dataBits: number;
  parity: Parity;
  stopBits: number;
  active: boolean;
}

export class ScaleRepository {
  constructor(private readonly db: PrismaClient) {}

  async list(page: PageRequest, filter: { siteId?: string | undefined }): Promise<Page<ScaleRow>> {
    return toPage(await this.db.scale.findMany({ where: { ...afterCursor(page), ...(filter.siteId ? { siteId: filter.siteId } : {}) }, ...takeOneMore(page) }), page);
  }

  find(id: string): Promise<ScaleRow | null> {
    return this.db.scale.findUnique({ where: { id } });
  }

  findMany(ids: string[]): Promise<ScaleRow[]> {
    return this.db.scale.findMany({ where: { id: { in: ids } } });
  }

  create(data: ScaleData): Promise<ScaleRow> {
    return guard('scale', this.db.scale.create({ data }));
  }

  update(id: string, data: ScaleData): Promise<ScaleRow> {
    return guard('scale', this.db.scale.update({ where: { id }, data }));
  }

  async remove(id: string): Promise<void> {
    await guard('scale', this.db.scale.delete({ where: { id } }));
  }
}
