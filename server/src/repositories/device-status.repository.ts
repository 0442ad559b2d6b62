import type pg from 'pg';
import type { HeartbeatOpenTickets } from '@haulproof/contracts';

/** The durable side of device heartbeats: the last status per device, and the clock hours each device was heard in. */
export class DeviceStatusRepository {
  constructor(private readonly pool: pg.Pool) {}

  /**
   * Upserts the device's status and marks the (UTC) clock hour of `heardAt` as heard, in one
   * statement. The caller throttles: this is one write per device every few tens of seconds.
   */
  async record(s: { deviceId: string; heardAt: Date; reportedAt: string; softwareVersion: string; queueDepth: number; openTickets: HeartbeatOpenTickets | undefined }): Promise<void> {
    const open = s.openTickets;
    await this.pool.query(
      `WITH heard AS (
         INSERT INTO station_device_hour (device_id, hour) VALUES ($1, date_trunc('hour', $2::timestamptz, 'UTC')) ON CONFLICT DO NOTHING)
       INSERT INTO station_device_status (device_id, last_heartbeat_at, reported_at, software_version, queue_depth, open_tickets, oldest_open_at, open_by_lane)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (device_id) DO UPDATE SET
         last_heartbeat_at = EXCLUDED.last_heartbeat_at, reported_at = EXCLUDED.reported_at, software_version = EXCLUDED.software_version,
         queue_depth = EXCLUDED.queue_depth, open_tickets = EXCLUDED.open_tickets, oldest_open_at = EXCLUDED.oldest_open_at, open_by_lane = EXCLUDED.open_by_lane`,
      [s.deviceId, s.heardAt, s.reportedAt, s.softwareVersion, s.queueDepth, open?.count ?? null, open?.oldestAt ?? null, open ? JSON.stringify(open.lanes) : null],
    );
  }
}
