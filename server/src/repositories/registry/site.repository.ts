import type { Page } from '@haulproof/contracts';
import type { Prisma, PrismaClient, SiteKind } from '../../generated/prisma/client.js';
import { guard } from './db-errors.js';
import { afterCursor, takeOneMore, toPage, type PageRequest } from './paging.js';

const include = { streams: { select: { streamCode: true }, orderBy: { streamCode: 'asc' } } } satisfies Prisma.SiteInclude;
export type SiteRow = Prisma.SiteGetPayload<{ include: typeof include }>;

export interface SiteData {
  code: string;
  nameZh: string;
  nameEn: string;
  kind: SiteKind;
  districtId: string;
  capacityTpd: number;
  timezone: string;
  latitude: number | null;
  longitude: number | null;
  active: boolean;
  acceptedStreams: string[];
}

export class SiteRepository {
  constructor(private readonly db: PrismaClient) {}

  async list(page: PageRequest, filter: { districtId?: string | undefined; kind?: SiteKind | undefined }): Promise<Page<SiteRow>> {
    const where: Prisma.SiteWhereInput = { ...afterCursor(page), ...(filter.districtId ? { districtId: filter.districtId } : {}), ...(filter.kind ? { kind: filter.kind } : {}) };
    return toPage(await this.db.site.findMany({ where, include, ...takeOneMore(page) }), page);
  }

  find(id: string): Promise<SiteRow | null> {
    return this.db.site.findUnique({ where: { id }, include });
  }

  create({ acceptedStreams, ...data }: SiteData): Promise<SiteRow> {
    return guard('site', this.db.site.create({ data: { ...data, streams: { create: acceptedStreams.map((streamCode) => ({ streamCode })) } }, include }));
  }

  update(id: string, { acceptedStreams, ...data }: SiteData): Promise<SiteRow> {
    return guard('site', this.db.site.update({ where: { id }, data: { ...data, streams: { deleteMany: {}, create: acceptedStreams.map((streamCode) => ({ streamCode })) } }, include }));
  }

  async remove(id: string): Promise<void> {
    await guard('site', this.db.site.delete({ where: { id } }));
  }
}
