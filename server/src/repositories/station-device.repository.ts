import type pg from 'pg';
import type { DeviceStatus } from '@haulproof/contracts';

/** A station device as enrolment and the live uplink see it. */
export interface StationDeviceRow {
  id: string;
  code: string;
  siteId: string;
  siteCode: string;
  districtId: string;
  status: DeviceStatus;
  publicKey: string | null;
  lastSeenAt: Date | null;
}

export interface EnrolmentState extends StationDeviceRow {
  tokenHash: string | null;
  tokenExpiresAt: Date | null;
  hasRecords: boolean;
}

const COLUMNS = `d.id, d.code, d.site_id AS "siteId", s.code AS "siteCode", s.district_id AS "districtId", d.status,
                 d.public_key AS "publicKey", d.last_seen_at AS "lastSeenAt"`;
const ENROLMENT = `${COLUMNS}, d.enrol_token_hash AS "tokenHash", d.enrol_token_expires_at AS "tokenExpiresAt",
                   EXISTS (SELECT 1 FROM device_record r WHERE r.device_id = d.id) AS "hasRecords"`;
// A device may take a key only while it is PENDING, keyless and has signed nothing.
const ENROLLABLE = `d.status = 'PENDING' AND d.public_key IS NULL AND NOT EXISTS (SELECT 1 FROM device_record r WHERE r.device_id = d.id)`;

/** Station device lifecycle outside the registry CRUD: enrolment tokens, enrolment, presence. */
export class StationDeviceRepository {
  constructor(private readonly pool: pg.Pool) {}

  async byCode(code: string): Promise<StationDeviceRow | null> {
    const { rows } = await this.pool.query<StationDeviceRow>(`SELECT ${COLUMNS} FROM station_device d JOIN site s ON s.id = d.site_id WHERE d.code = $1`, [code]);
    return rows[0] ?? null;
  }

  /** The codes of the lanes (scales) this device reads. */
  async laneCodes(deviceId: string): Promise<string[]> {
    const { rows } = await this.pool.query<{ code: string }>('SELECT sc.code FROM device_lane dl JOIN scale sc ON sc.id = dl.scale_id WHERE dl.device_id = $1 ORDER BY sc.code', [deviceId]);
    return rows.map((r) => r.code);
  }

  /** Records that the device was seen now; returns it as it now stands. */
  async touch(deviceId: string): Promise<StationDeviceRow | null> {
    const { rows } = await this.pool.query<StationDeviceRow>(
      `UPDATE station_device d SET last_seen_at = now() FROM site s WHERE d.id = $1 AND s.id = d.site_id RETURNING ${COLUMNS}`,
      [deviceId],
    );
    return rows[0] ?? null;
  }

  async enrolmentById(id: string): Promise<EnrolmentState | null> {
    const { rows } = await this.pool.query<EnrolmentState>(`SELECT ${ENROLMENT} FROM station_device d JOIN site s ON s.id = d.site_id WHERE d.id = $1`, [id]);
    return rows[0] ?? null;
  }

  async enrolmentByCode(code: string): Promise<EnrolmentState | null> {
    const { rows } = await this.pool.query<EnrolmentState>(`SELECT ${ENROLMENT} FROM station_device d JOIN site s ON s.id = d.site_id WHERE d.code = $1`, [code]);
    return rows[0] ?? null;
  }

  /** Stores a new token's hash (replacing any earlier one). False when the device is no longer enrollable. */
  async setEnrolToken(id: string, tokenHash: string, expiresAt: Date): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `UPDATE station_device d SET enrol_token_hash = $2, enrol_token_expires_at = $3 WHERE d.id = $1 AND ${ENROLLABLE}`,
      [id, tokenHash, expiresAt],
    );
    return rowCount === 1;
  }

  /**
   * Spends the token: sets the key and activates the device, in one guarded statement, so two
   * enrolments racing with the same token cannot both win. Null when the guard no longer holds.
   */
  async enrol(id: string, tokenHash: string, publicKey: string, softwareVersion: string): Promise<StationDeviceRow | null> {
    const { rows } = await this.pool.query<StationDeviceRow>(
      `UPDATE station_device d
          SET public_key = $3, software_version = $4, status = 'ACTIVE', enrol_token_hash = NULL, enrol_token_expires_at = NULL, last_seen_at = now()
         FROM site s
        WHERE d.id = $1 AND s.id = d.site_id AND d.enrol_token_hash = $2 AND d.enrol_token_expires_at > now() AND ${ENROLLABLE}
        RETURNING ${COLUMNS}`,
      [id, tokenHash, publicKey, softwareVersion],
    );
    return rows[0] ?? null;
  }
}
