import type pg from 'pg';

/** A station device as ingestion sees it. */
export interface DeviceRow {
  id: string;
  code: string;
  siteId: string;
  status: string;
  publicKey: string | null;
}

export interface StoredRecord {
  seq: number;
  hash: string;
  ticketId: string | null;
  receivedAt: Date;
}

/** Registry facts a ticket record refers to, looked up in one round trip. */
export interface TicketRefs {
  siteId: string | null;
  scaleId: string | null;
  maxKg: number | null;
  divisionKg: number | null;
  laneOnDevice: boolean;
  vehicleId: string | null;
  cardId: string | null;
  routeId: string | null;
  permitId: string | null;
  originSiteId: string | null;
}

export interface NewTicketRow {
  deviceId: string;
  seq: number;
  kind: 'ticket';
  canonical: Buffer;
  hash: string;
  prevHash: string;
  signature: Buffer;
  siteId: string;
  scaleId: string;
  vehicleId: string;
  cardId: string | null;
  plateSeen: string | null;
  stream: string;
  direction: string;
  grossKg: number;
  tareKg: number;
  netKg: number;
  grossSource: string;
  tareSource: string;
  firstAt: string;
  secondAt: string | null;
  routeId: string | null;
  permitId: string | null;
  originSiteId: string | null;
  operator: string | null;
  flags: string[];
  software: string;
}

export interface NewVoidRow {
  deviceId: string;
  seq: number;
  canonical: Buffer;
  hash: string;
  prevHash: string;
  signature: Buffer;
  ticketId: string;
  reason: string;
  at: string;
}

/**
 * SQL for the signed-record ledger. All writes for one device happen inside
 * `withDeviceLock`, which serialises them on the device row so the chain check
 * and the insert see the same tail.
 */
export class LedgerRepository {
  constructor(private readonly pool: pg.Pool) {}

  async findDeviceByCode(code: string): Promise<DeviceRow | null> {
    const { rows } = await this.pool.query<DeviceRow>(
      'SELECT id, code, site_id AS "siteId", status, public_key AS "publicKey" FROM station_device WHERE code = $1',
      [code],
    );
    return rows[0] ?? null;
  }

  async touchDevice(deviceId: string): Promise<void> {
    await this.pool.query('UPDATE station_device SET last_seen_at = now() WHERE id = $1', [deviceId]);
  }

  async withDeviceLock<T>(deviceId: string, work: (tx: LedgerTx) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT 1 FROM station_device WHERE id = $1 FOR UPDATE', [deviceId]);
      const result = await work(new LedgerTx(client, deviceId));
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }
}

export class LedgerTx {
  constructor(
    private readonly client: pg.PoolClient,
    readonly deviceId: string,
  ) {}

  /** The record at `seq` (if any) and the chain's current tail. */
  async recordAndTail(seq: number): Promise<{ existing: StoredRecord | null; tail: StoredRecord | null }> {
    const { rows } = await this.client.query<StoredRecord & { isTail: boolean }>(
      `SELECT r.seq, r.hash, COALESCE(t.id, e.ticket_id) AS "ticketId", r.received_at AS "receivedAt",
              r.seq = (SELECT max(seq) FROM device_record WHERE device_id = $1) AS "isTail"
         FROM device_record r
         LEFT JOIN ticket t ON t.record_id = r.id
         LEFT JOIN ticket_event e ON e.record_id = r.id
        WHERE r.device_id = $1 AND (r.seq = $2 OR r.seq = (SELECT max(seq) FROM device_record WHERE device_id = $1))`,
      [this.deviceId, seq],
    );
    const stored = (r: StoredRecord | undefined): StoredRecord | null => (r ? { seq: r.seq, hash: r.hash, ticketId: r.ticketId, receivedAt: r.receivedAt } : null);
    return { existing: stored(rows.find((r) => r.seq === seq)), tail: stored(rows.find((r) => r.isTail)) };
  }

  async ticketRefs(q: { site: string; lane: string; plate: string; card: string | null; route: string | null; permit: string | null; origin: string | null }): Promise<TicketRefs> {
    const { rows } = await this.client.query<TicketRefs>(
      `SELECT s.id AS "siteId", sc.id AS "scaleId", sc.max_kg AS "maxKg", sc.division_kg AS "divisionKg",
              EXISTS (SELECT 1 FROM device_lane dl WHERE dl.device_id = $1 AND dl.scale_id = sc.id) AS "laneOnDevice",
              v.id AS "vehicleId", c.id AS "cardId", r.id AS "routeId", p.id AS "permitId", o.id AS "originSiteId"
         FROM (SELECT 1) one
         LEFT JOIN site s ON s.code = $2
         LEFT JOIN scale sc ON sc.site_id = s.id AND sc.code = $3
         LEFT JOIN vehicle v ON v.plate = $4
         LEFT JOIN card c ON c.uid = $5
         LEFT JOIN collection_route r ON r.code = $6
         LEFT JOIN permit p ON p.permit_no = $7
         LEFT JOIN site o ON o.code = $8`,
      [this.deviceId, q.site, q.lane, q.plate, q.card, q.route, q.permit, q.origin],
    );
    return rows[0] as TicketRefs;
  }

  async ticketBySeq(seq: number): Promise<{ id: string; voided: boolean } | null> {
    const { rows } = await this.client.query<{ id: string; voided: boolean }>(
      `SELECT t.id, EXISTS (SELECT 1 FROM ticket_event e WHERE e.ticket_id = t.id AND e.kind = 'VOID') AS voided
         FROM ticket t WHERE t.device_id = $1 AND t.seq = $2`,
      [this.deviceId, seq],
    );
    return rows[0] ?? null;
  }

  /** Inserts the signed record and the ticket derived from it, atomically. */
  async insertTicket(t: NewTicketRow): Promise<{ ticketId: string; receivedAt: Date }> {
    const { rows } = await this.client.query<{ ticketId: string; receivedAt: Date }>(
      `WITH r AS (
         INSERT INTO device_record (device_id, seq, kind, canonical, hash, prev_hash, signature)
         VALUES ($1, $2, 'ticket', $3, $4, $5, $6) RETURNING id, received_at)
       INSERT INTO ticket (record_id, device_id, seq, site_id, scale_id, vehicle_id, card_id, plate_seen, stream_code, direction,
                           gross_kg, tare_kg, net_kg, gross_source, tare_source, first_weighed_at, second_weighed_at, weighed_at,
                           received_at, route_id, permit_id, origin_site_id, operator, flags, software_version)
       SELECT r.id, $1, $2, $7, $8, $9, $10, $11, $12, $13::direction,
              $14, $15, $16, $17::weight_source, $18::weight_source, $19::timestamptz, $20::timestamptz, COALESCE($20::timestamptz, $19::timestamptz),
              r.received_at, $21, $22, $23, $24, $25, $26
         FROM r
       RETURNING id AS "ticketId", received_at AS "receivedAt"`,
      [
        t.deviceId, t.seq, t.canonical, t.hash, t.prevHash, t.signature,
        t.siteId, t.scaleId, t.vehicleId, t.cardId, t.plateSeen, t.stream, t.direction,
        t.grossKg, t.tareKg, t.netKg, t.grossSource, t.tareSource, t.firstAt, t.secondAt,
        t.routeId, t.permitId, t.originSiteId, t.operator, t.flags, t.software,
      ],
    );
    return rows[0]!;
  }

  async insertVoid(v: NewVoidRow): Promise<{ receivedAt: Date }> {
    const { rows } = await this.client.query<{ receivedAt: Date }>(
      `WITH r AS (
         INSERT INTO device_record (device_id, seq, kind, canonical, hash, prev_hash, signature)
         VALUES ($1, $2, 'void', $3, $4, $5, $6) RETURNING id, received_at)
       INSERT INTO ticket_event (ticket_id, kind, reason, actor_device_id, record_id, at)
       SELECT $7, 'VOID', $8, $1, r.id, $9::timestamptz FROM r
       RETURNING (SELECT received_at FROM r) AS "receivedAt"`,
      [v.deviceId, v.seq, v.canonical, v.hash, v.prevHash, v.signature, v.ticketId, v.reason, v.at],
    );
    return rows[0]!;
  }

  savepoint(): Promise<unknown> {
    return this.client.query('SAVEPOINT rec');
  }
  rollbackToSavepoint(): Promise<unknown> {
    return this.client.query('ROLLBACK TO SAVEPOINT rec');
  }
  releaseSavepoint(): Promise<unknown> {
    return this.client.query('RELEASE SAVEPOINT rec');
  }
}
