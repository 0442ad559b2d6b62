// A minimal registered station (site, lane, vehicle, card, device with a real
// ed25519 key) and a TestDevice that builds, signs, chains and posts records
// through the real ingestion API, as a station agent would.
import { GENESIS_HASH, type DeviceRecordPayload, type EventBody, type TicketBody } from '@haulproof/contracts';
import { deviceAuthHeader, generateDeviceKeys, signRecord } from '@haulproof/contracts/signing';
import { createPrivateKey, randomBytes, type KeyObject } from 'node:crypto';
import pg from 'pg';

export interface StationFixture {
  districtId: string;
  siteId: string;
  siteCode: string;
  scaleId: string;
  laneCode: string;
  carrierId: string;
  vehicleId: string;
  plate: string;
  cardUid: string;
  deviceId: string;
  deviceCode: string;
  privateKeyPem: string;
}

export async function createStation(databaseUrl: string, opts: { suffix?: string; districtId?: string } = {}): Promise<StationFixture> {
  const sfx = (opts.suffix ?? randomBytes(3).toString('hex')).toUpperCase();
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    const q = async (sql: string, params: unknown[]) => (await c.query<{ id: string }>(sql, params)).rows[0]!.id;
    const districtId = opts.districtId ?? (await q(`INSERT INTO district (code, name_zh, name_en, population) VALUES ($1, '测试区', 'Test district', 500000) RETURNING id`, [`D-${sfx}`]));
    const siteCode = `TS-${sfx}`;
    const siteId = await q(`INSERT INTO site (code, name_zh, name_en, kind, district_id, capacity_tpd) VALUES ($1, '测试转运站', 'Test transfer station', 'TRANSFER_STATION', $2, 800) RETURNING id`, [siteCode, districtId]);
    await c.query(`INSERT INTO site_stream (site_id, stream_code) SELECT $1, unnest(ARRAY['KITCHEN','OTHER','RECYCLABLE'])`, [siteId]);
    const scaleId = await q(`INSERT INTO scale (site_id, code, name, max_kg, division_kg, min_load_kg, protocol) VALUES ($1, 'L1', 'Lane 1', 60000, 20, 400, 'XK3190_TF0') RETURNING id`, [siteId]);
    const carrierId = await q(`INSERT INTO carrier (code, name, district_id) VALUES ($1, '测试环卫', $2) RETURNING id`, [`C-${sfx}`, districtId]);
    const digits = String(parseInt(sfx, 16) % 100000).padStart(5, '0');
    const plate = `苏E${digits}`;
    const vehicleId = await q(
      `INSERT INTO vehicle (plate, plate_raw, carrier_id, max_gross_kg, stored_tare_kg, tare_measured_at, tare_expires_at) VALUES ($1, $2, $3, 31000, 12000, now() - interval '10 days', now() + interval '80 days') RETURNING id`,
      [plate, `苏E·${digits}`, carrierId],
    );
    await c.query(`INSERT INTO vehicle_stream (vehicle_id, stream_code) VALUES ($1, 'OTHER'), ($1, 'KITCHEN')`, [vehicleId]);
    const cardUid = randomBytes(4).toString('hex');
    await c.query(`INSERT INTO card (uid, vehicle_id) VALUES ($1, $2)`, [cardUid, vehicleId]);
    const keys = generateDeviceKeys();
    const deviceCode = `DEV-${sfx}`;
    const deviceId = await q(`INSERT INTO station_device (code, site_id, public_key, status) VALUES ($1, $2, $3, 'ACTIVE') RETURNING id`, [deviceCode, siteId, keys.publicKey]);
    await c.query(`INSERT INTO device_lane (device_id, scale_id) VALUES ($1, $2)`, [deviceId, scaleId]);
    return { districtId, siteId, siteCode, scaleId, laneCode: 'L1', carrierId, vehicleId, plate, cardUid, deviceId, deviceCode, privateKeyPem: keys.privateKeyPem };
  } finally {
    await c.end();
  }
}

export const INGEST_PATH = '/api/v1/ingest/records';

export class TestDevice {
  seq = 0;
  prev = GENESIS_HASH;
  private readonly key: KeyObject;
  constructor(
    readonly baseUrl: string,
    readonly station: StationFixture,
  ) {
    this.key = createPrivateKey(station.privateKeyPem);
  }

  ticketBody(overrides: Partial<TicketBody> = {}): TicketBody {
    const first = new Date(Date.now() - 10 * 60_000);
    const second = new Date(Date.now() - 2 * 60_000);
    const fmt = (d: Date) => d.toISOString().replace('Z', '+00:00');
    return {
      site: this.station.siteCode,
      lane: this.station.laneCode,
      plate: this.station.plate,
      plateSeen: null,
      card: this.station.cardUid,
      stream: 'OTHER',
      direction: 'IN',
      grossKg: 20_000,
      tareKg: 12_000,
      netKg: 8_000,
      grossSource: 'WEIGHED',
      tareSource: 'WEIGHED',
      firstAt: fmt(first),
      secondAt: fmt(second),
      route: null,
      permit: null,
      origin: null,
      operator: 'op1',
      flags: [],
      software: 'test-agent 0.0.1',
      ...overrides,
    };
  }

  /** Signs the next record in this device's chain and advances the chain. */
  next(
    body: { kind: 'ticket'; ticket: TicketBody } | { kind: 'void'; void: { ticketSeq: number; reason: string; at: string; operator: string | null } } | { kind: 'event'; event: EventBody },
  ): { canonical: string; signature: string; hash: string; seq: number } {
    const seq = this.seq + 1;
    const payload = { v: 1, device: this.station.deviceCode, seq, prev: this.prev, ...body } as DeviceRecordPayload;
    const signed = signRecord(this.key, payload as never);
    this.seq = seq;
    this.prev = signed.hash;
    return { ...signed, seq };
  }

  nextTicket(overrides: Partial<TicketBody> = {}) {
    return this.next({ kind: 'ticket', ticket: this.ticketBody(overrides) });
  }

  eventBody(overrides: Partial<EventBody> = {}): EventBody {
    return {
      type: 'WEIGHT_JUMP',
      lane: this.station.laneCode,
      at: new Date(Date.now() - 60_000).toISOString().replace('Z', '+00:00'),
      plate: this.station.plate,
      card: this.station.cardUid,
      message: 'weight jumped 180 kg inside the stable window',
      details: { jumpKg: 180, windowMs: 2000 },
      ticketSeq: null,
      ...overrides,
    };
  }

  /** A signed station event record (anti-cheat or fault), next in the chain. */
  nextEvent(overrides: Partial<EventBody> = {}) {
    return this.next({ kind: 'event', event: this.eventBody(overrides) });
  }

  /** Signs an arbitrary payload without touching the chain state (for hostile tests). */
  sign(payload: unknown) {
    return signRecord(this.key, payload as never);
  }

  async post(records: { canonical: string; signature: string }[], opts: { rawBody?: Buffer; auth?: string } = {}): Promise<{ status: number; body: any }> {
    const body = opts.rawBody ?? Buffer.from(JSON.stringify({ records: records.map(({ canonical, signature }) => ({ canonical, signature })) }));
    const res = await fetch(this.baseUrl + INGEST_PATH, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: opts.auth ?? deviceAuthHeader(this.station.deviceCode, this.station.privateKeyPem, 'POST', INGEST_PATH, body) },
      body: new Uint8Array(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // leave as text
    }
    return { status: res.status, body: parsed };
  }
}
