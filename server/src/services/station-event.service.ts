import type { Page, StationEventQuery, StationEventView } from '@haulproof/contracts';
import type { LivePublisher } from '../live/publisher.js';
import type { StationEventRepository, StationEventRow } from '../repositories/station-event.repository.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { stationEventScope, type Principal } from './principal.js';
import { allowed } from './registry/common.js';

export function mapStationEvent(e: StationEventRow): StationEventView {
  return { ...e, at: e.at.toISOString(), receivedAt: e.receivedAt.toISOString() };
}

/** Station events within the asker's scope; announces newly ingested ones live (station.event). */
export class StationEventService {
  constructor(
    private readonly events: StationEventRepository,
    private readonly live: Pick<LivePublisher, 'publish'>,
  ) {}

  async list(p: Principal, q: StationEventQuery): Promise<Page<StationEventView>> {
    const scope = allowed(stationEventScope(p), 'station events');
    // The cursor codec names its time `weighedAt`; here it carries the event's time.
    const cursor = q.cursor ? decodeCursor(q.cursor) : undefined;
    const rows = await this.events.list({ ...q, after: cursor && { at: cursor.weighedAt, id: cursor.id }, limit: q.limit + 1 }, scope);
    const page = rows.slice(0, q.limit);
    const last = page.at(-1);
    return {
      items: page.map(mapStationEvent),
      nextCursor: rows.length > q.limit && last ? encodeCursor({ weighedAt: last.at.toISOString(), id: last.id }) : null,
    };
  }

  /** Called by ingestion after a batch commits. The socket layer checks canSee per person. */
  async announce(ids: string[]): Promise<void> {
    for (const e of await this.events.byIds(ids)) this.live.publish('station.event', mapStationEvent(e), { siteId: e.siteId, districtId: e.districtId });
  }
}
