import type { Page } from '@haulproof/contracts';
import type { PeriodKind, PrismaClient, Target } from '../../generated/prisma/client.js';
import type { TargetScope } from '../../services/principal.js';
import { guard } from './db-errors.js';
import { afterCursor, takeOneMore, toPage, type PageRequest } from './paging.js';

export type TargetRow = Target;
export interface TargetData {
  districtId: string;
  metric: string;
  periodKind: PeriodKind;
  periodStart: Date;
  value: number;
  unit: string;
}

const scoped = (s: TargetScope) => (s.kind === 'all' ? {} : { districtId: s.districtId });

export class TargetRepository {
  constructor(private readonly db: PrismaClient) {}

  async list(scope: TargetScope, page: PageRequest, filter: { districtId?: string | undefined }): Promise<Page<TargetRow>> {
    const where = { AND: [scoped(scope), afterCursor(page), filter.districtId ? { districtId: filter.districtId } : {}] };
    return toPage(await this.db.target.findMany({ where, ...takeOneMore(page) }), page);
  }

  find(id: string, scope: TargetScope = { kind: 'all' }): Promise<TargetRow | null> {
    return this.db.target.findFirst({ where: { AND: [{ id }, scoped(scope)] } });
  }

  async exists(id: string): Promise<boolean> {
    return (await this.db.target.count({ where: { id } })) > 0;
  }

  create(data: TargetData): Promise<TargetRow> {
    return guard('target', this.db.target.create({ data }));
  }

  update(id: string, data: TargetData): Promise<TargetRow> {
    return guard('target', this.db.target.update({ where: { id }, data }));
  }

  async remove(id: string): Promise<void> {
    await guard('target', this.db.target.delete({ where: { id } }));
  }
}
