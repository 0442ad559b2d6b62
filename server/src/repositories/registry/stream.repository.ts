import type { Page } from '@haulproof/contracts';
import type { PrismaClient, WasteStream } from '../../generated/prisma/client.js';

export type StreamRow = WasteStream;

/** The waste streams: reference data seeded by the init migration, read-only here. */
export class StreamRepository {
  constructor(private readonly db: PrismaClient) {}

  async list(page: { limit: number; cursor?: string | undefined }): Promise<Page<StreamRow>> {
    const rows = await this.db.wasteStream.findMany({ where: page.cursor ? { code: { gt: page.cursor } } : {}, orderBy: { code: 'asc' }, take: page.limit + 1 });
    const items = rows.slice(0, page.limit);
    return { items, nextCursor: rows.length > page.limit ? (items.at(-1)?.code ?? null) : null };
  }
}
