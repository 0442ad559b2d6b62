import type pg from 'pg';
import { Where } from './sql-where.js';
import type { StationEventType } from '@haulproof/contracts';
import type { DeviceScope } from '../services/principal.js';

export interface StationEventFilter {
  siteId?: string | undefined;
  deviceId?: string | undefined;
  type?: StationEventType | undefined;
  from?: string | undefined;
  to?: string | undefined;
  after?: { at: string; id: string } | undefined;
  limit: number;
}

export interface StationEventRow {
  id: string;
  deviceId: string;
  deviceCode: string;
  seq: number;
  hash: string;
  siteId: string;
  siteCode: string;
  siteTimezone: string;
  districtId: string;
  lane: string | null;
  type: StationEventType;
  at: Date;
  plate: string | null;
  cardUid: string | null;
  message: string;
  details: Record<string, string | number | boolean | null>;
  ticketSeq: number | null;
  ticketId: string | null;
  receivedAt: Date;
}

const SELECT = `
  SELECT e.id, e.device_id AS "deviceId", d.code AS "deviceCode", r.seq, r.hash, e.site_id AS "siteId", s.code AS "siteCode",
         s.timezone AS "siteTimezone", s.district_id AS "districtId", e.lane_code AS lane, e.type, e.at, e.plate,
         e.card_uid AS "cardUid", e.message, e.details, e.ticket_seq AS "ticketSeq", t.id AS "ticketId", e.received_at AS "receivedAt"
    FROM station_event e
    JOIN device_record r ON r.id = e.record_id
    JOIN station_device d ON d.id = e.device_id
    JOIN site s ON s.id = e.site_id
    LEFT JOIN ticket t ON t.device_id = e.device_id AND t.seq = e.ticket_seq`;

/** Read side of the station events in the ledger (ingestion writes them, see ledger.repository.ts). */
export class StationEventRepository {
  constructor(private readonly pool: pg.Pool) {}

  /** Newest first. scope is principal.ts stationEventScope: site = the event's site, district = its site's district. */
  async list(f: StationEventFilter, scope: DeviceScope): Promise<StationEventRow[]> {
    const w = new Where();
    if (scope.kind === 'site') w.add('e.site_id = ?', scope.siteId);
    if (scope.kind === 'district') w.add('s.district_id = ?', scope.districtId);
    if (f.siteId) w.add('e.site_id = ?', f.siteId);
    if (f.deviceId) w.add('e.device_id = ?', f.deviceId);
    if (f.type) w.add('e.type = ?', f.type);
    if (f.from) w.add('e.at >= ?::timestamptz', f.from);
    if (f.to) w.add('e.at < ?::timestamptz', f.to);
    if (f.after) w.add('(e.at, e.id) < (?::timestamptz, ?::uuid)', f.after.at, f.after.id);
    const sql = `${SELECT} ${w.sql} ORDER BY e.at DESC, e.id DESC LIMIT ${w.param(f.limit)}`;
    return (await this.pool.query<StationEventRow>(sql, w.params)).rows;
  }

  async byIds(ids: string[]): Promise<StationEventRow[]> {
    if (ids.length === 0) return [];
    return (await this.pool.query<StationEventRow>(`${SELECT} WHERE e.id = ANY($1::uuid[]) ORDER BY r.seq`, [ids])).rows;
  }
}
