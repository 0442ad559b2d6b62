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

export interface NewTicketRow {
  deviceId: string;
  seq: number;
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
  estimate: Record<string, unknown> | null; // the estimate basis of an ESTIMATED ticket
}

export interface NewStationEventRow {
  deviceId: string;
  seq: number;
  canonical: Buffer;
  hash: string;
  prevHash: string;
  signature: Buffer;
  siteId: string;
  lane: string | null;
  type: string;
  at: string;
  plate: string | null;
  card: string | null;
  message: string;
  details: Record<string, unknown>;
  ticketSeq: number | null;
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

export interface RefKeys {
  siteLanes: { site: string; lane: string }[];
  plates: string[];
  cards: string[];
  routes: string[];
  permits: string[];
  origins: string[];
}

export interface ResolvedRefs {
  lanes: Map<string, { siteId: string; scaleId: string | null; maxKg: number | null; divisionKg: number | null; laneOnDevice: boolean }>; // key `${site}/${lane}`
  vehicles: Map<string, string>; // plate → id
  cards: Map<string, string>;
  routes: Map<string, string>;
  permits: Map<string, string>;
  sites: Map<string, string>; // origin code → id
}

export class LedgerTx {
  constructor(
    private readonly client: pg.PoolClient,
    readonly deviceId: string,
  ) {}

  /** The records already stored at any of `seqs`, and the chain's current tail. */
  async recordsAndTail(seqs: number[]): Promise<{ existing: Map<number, StoredRecord>; tail: { seq: number; hash: string } | null }> {
    const found = await this.client.query<StoredRecord>(
        `SELECT r.seq, r.hash, COALESCE(t.id, e.ticket_id) AS "ticketId", r.received_at AS "receivedAt"
           FROM device_record r
           LEFT JOIN ticket t ON t.record_id = r.id
           LEFT JOIN ticket_event e ON e.record_id = r.id
          WHERE r.device_id = $1 AND r.seq = ANY($2::int[])`,
        [this.deviceId, seqs],
    );
    const tail = await this.client.query<{ seq: number; hash: string }>('SELECT seq, hash FROM device_record WHERE device_id = $1 ORDER BY seq DESC LIMIT 1', [this.deviceId]);
    return { existing: new Map(found.rows.map((r) => [r.seq, r])), tail: tail.rows[0] ?? null };
  }

  /** Resolves every registry code a batch mentions, one query per kind of thing. */
  async resolveRefs(k: RefKeys): Promise<ResolvedRefs> {
    const pairs = (rows: { k: string; id: string }[]) => new Map(rows.map((r) => [r.k, r.id]));
    const byCode = async (table: string, column: string, codes: string[]) =>
      codes.length ? pairs((await this.client.query<{ k: string; id: string }>(`SELECT ${column} AS k, id FROM ${table} WHERE ${column} = ANY($1::text[])`, [codes])).rows) : new Map<string, string>();
    // One client runs one query at a time, so these go in sequence.
    const lanes = await this.client.query<{ site: string; lane: string; siteId: string; scaleId: string | null; maxKg: number | null; divisionKg: number | null; laneOnDevice: boolean }>(
      `SELECT x.site, x.lane, s.id AS "siteId", sc.id AS "scaleId", sc.max_kg AS "maxKg", sc.division_kg AS "divisionKg",
              EXISTS (SELECT 1 FROM device_lane dl WHERE dl.device_id = $1 AND dl.scale_id = sc.id) AS "laneOnDevice"
         FROM unnest($2::text[], $3::text[]) AS x(site, lane)
         JOIN site s ON s.code = x.site
         LEFT JOIN scale sc ON sc.site_id = s.id AND sc.code = x.lane`,
      [this.deviceId, k.siteLanes.map((p) => p.site), k.siteLanes.map((p) => p.lane)],
    );
    const vehicles = await byCode('vehicle', 'plate', k.plates);
    const cards = await byCode('card', 'uid', k.cards);
    const routes = await byCode('collection_route', 'code', k.routes);
    const permits = await byCode('permit', 'permit_no', k.permits);
    const sites = await byCode('site', 'code', k.origins);
    return { lanes: new Map(lanes.rows.map(({ site, lane, ...rest }) => [`${site}/${lane}`, rest])), vehicles, cards, routes, permits, sites };
  }

  /** What a batch's station events may name: the device's own lanes, and which of these seqs are its tickets. */
  async eventRefs(ticketSeqs: number[]): Promise<{ lanes: Set<string>; ticketSeqs: Set<number> }> {
    const lanes = await this.client.query<{ code: string }>('SELECT sc.code FROM device_lane dl JOIN scale sc ON sc.id = dl.scale_id WHERE dl.device_id = $1', [this.deviceId]);
    const tickets = ticketSeqs.length
      ? (await this.client.query<{ seq: number }>('SELECT seq FROM ticket WHERE device_id = $1 AND seq = ANY($2::int[])', [this.deviceId, ticketSeqs])).rows
      : [];
    return { lanes: new Set(lanes.rows.map((r) => r.code)), ticketSeqs: new Set(tickets.map((r) => r.seq)) };
  }

  /** What an estimate basis may cite: the device's own tickets at these seqs, as signed (corrections aside). */
  async ticketFacts(seqs: number[]): Promise<Map<number, { vehicleId: string; netKg: number; grossSource: string }>> {
    if (seqs.length === 0) return new Map();
    const { rows } = await this.client.query<{ seq: number; vehicleId: string; netKg: number; grossSource: string }>(
      'SELECT seq, vehicle_id AS "vehicleId", net_kg AS "netKg", gross_source::text AS "grossSource" FROM ticket WHERE device_id = $1 AND seq = ANY($2::int[])',
      [this.deviceId, seqs],
    );
    return new Map(rows.map(({ seq, ...facts }) => [seq, facts]));
  }

  async ticketBySeq(seq: number): Promise<{ id: string; voided: boolean } | null> {
    const { rows } = await this.client.query<{ id: string; voided: boolean }>(
      `SELECT t.id, EXISTS (SELECT 1 FROM ticket_event e WHERE e.ticket_id = t.id AND e.kind = 'VOID') AS voided
         FROM ticket t WHERE t.device_id = $1 AND t.seq = $2`,
      [this.deviceId, seq],
    );
    return rows[0] ?? null;
  }

  /** Inserts signed records and the tickets derived from them, in one statement. */
  async insertTickets(rows: NewTicketRow[]): Promise<Map<number, { ticketId: string; receivedAt: Date }>> {
    if (rows.length === 0) return new Map();
    const input = rows.map((t) => ({ ...t, canonical: t.canonical.toString('base64'), signature: t.signature.toString('base64') }));
    const { rows: out } = await this.client.query<{ seq: number; ticketId: string; receivedAt: Date }>(
      `WITH x AS (
         SELECT * FROM jsonb_to_recordset($2::jsonb) AS x(
           seq int, canonical text, hash text, "prevHash" text, signature text, "siteId" uuid, "scaleId" uuid, "vehicleId" uuid,
           "cardId" uuid, "plateSeen" text, stream text, direction direction, "grossKg" int, "tareKg" int, "netKg" int,
           "grossSource" weight_source, "tareSource" weight_source, "firstAt" timestamptz, "secondAt" timestamptz,
           "routeId" uuid, "permitId" uuid, "originSiteId" uuid, operator text, flags jsonb, software text, estimate jsonb)),
       r AS (
         INSERT INTO device_record (device_id, seq, kind, canonical, hash, prev_hash, signature)
         SELECT $1, x.seq, 'ticket', decode(x.canonical, 'base64'), x.hash, x."prevHash", decode(x.signature, 'base64') FROM x ORDER BY x.seq
         RETURNING id, seq, received_at)
       INSERT INTO ticket (record_id, device_id, seq, site_id, scale_id, vehicle_id, card_id, plate_seen, stream_code, direction,
                           gross_kg, tare_kg, net_kg, gross_source, tare_source, first_weighed_at, second_weighed_at, weighed_at,
                           received_at, route_id, permit_id, origin_site_id, operator, flags, software_version, estimate)
       SELECT r.id, $1, x.seq, x."siteId", x."scaleId", x."vehicleId", x."cardId", x."plateSeen", x.stream, x.direction,
              x."grossKg", x."tareKg", x."netKg", x."grossSource", x."tareSource", x."firstAt", x."secondAt", COALESCE(x."secondAt", x."firstAt"),
              r.received_at, x."routeId", x."permitId", x."originSiteId", x.operator, ARRAY(SELECT jsonb_array_elements_text(x.flags)), x.software, x.estimate
         FROM r JOIN x ON x.seq = r.seq
       RETURNING seq, id AS "ticketId", received_at AS "receivedAt"`,
      [this.deviceId, JSON.stringify(input)],
    );
    return new Map(out.map((o) => [o.seq, { ticketId: o.ticketId, receivedAt: o.receivedAt }]));
  }

  /** Inserts signed records and the station events derived from them, in one statement. */
  async insertStationEvents(rows: NewStationEventRow[]): Promise<Map<number, { eventId: string; receivedAt: Date }>> {
    if (rows.length === 0) return new Map();
    const input = rows.map((e) => ({ ...e, canonical: e.canonical.toString('base64'), signature: e.signature.toString('base64') }));
    const { rows: out } = await this.client.query<{ seq: number; eventId: string; receivedAt: Date }>(
      `WITH x AS (
         SELECT * FROM jsonb_to_recordset($2::jsonb) AS x(
           seq int, canonical text, hash text, "prevHash" text, signature text, "siteId" uuid, lane text, type text,
           at timestamptz, plate text, card text, message text, details jsonb, "ticketSeq" int)),
       r AS (
         INSERT INTO device_record (device_id, seq, kind, canonical, hash, prev_hash, signature)
         SELECT $1, x.seq, 'event', decode(x.canonical, 'base64'), x.hash, x."prevHash", decode(x.signature, 'base64') FROM x ORDER BY x.seq
         RETURNING id, seq, received_at),
       e AS (
         INSERT INTO station_event (record_id, device_id, site_id, lane_code, type, at, plate, card_uid, message, details, ticket_seq, received_at)
         SELECT r.id, $1, x."siteId", x.lane, x.type, x.at, x.plate, x.card, x.message, x.details, x."ticketSeq", r.received_at
           FROM r JOIN x ON x.seq = r.seq
         RETURNING id, record_id, received_at)
       SELECT r.seq, e.id AS "eventId", e.received_at AS "receivedAt" FROM e JOIN r ON r.id = e.record_id`,
      [this.deviceId, JSON.stringify(input)],
    );
    return new Map(out.map((o) => [o.seq, { eventId: o.eventId, receivedAt: o.receivedAt }]));
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
