import type pg from 'pg';

export type SecurityEventKind =
  | 'DEVICE_AUTH_FAILED'
  | 'BAD_SIGNATURE'
  | 'NOT_CANONICAL'
  | 'INVALID_RECORD'
  | 'DEVICE_MISMATCH'
  | 'SEQ_CONFLICT'
  | 'CHAIN_GAP'
  | 'CHAIN_BROKEN'
  | 'REJECTED_RECORD';

export interface SecurityEventInput {
  kind: SecurityEventKind;
  deviceId?: string | null;
  seq?: number | null;
  reason: string;
  details?: Record<string, unknown>;
  remoteAddr?: string | null;
}

export class SecurityEventRepository {
  constructor(private readonly pool: pg.Pool) {}

  async record(e: SecurityEventInput): Promise<void> {
    await this.pool.query('INSERT INTO security_event (kind, device_id, seq, reason, details, remote_addr) VALUES ($1, $2, $3, $4, $5, $6)', [
      e.kind,
      e.deviceId ?? null,
      e.seq ?? null,
      e.reason,
      e.details ? JSON.stringify(e.details) : null,
      e.remoteAddr ?? null,
    ]);
  }

  async list(opts: { limit: number; before?: { at: Date; id: string } | undefined; deviceId?: string | undefined; districtId?: string | null }) {
    const { rows } = await this.pool.query(
      `SELECT e.id, e.at, e.kind, e.device_id AS "deviceId", d.code AS "deviceCode", e.seq, e.reason, e.details, e.remote_addr AS "remoteAddr"
         FROM security_event e
         LEFT JOIN station_device d ON d.id = e.device_id
         LEFT JOIN site s ON s.id = d.site_id
        WHERE ($1::timestamptz IS NULL OR (e.at, e.id) < ($1::timestamptz, $2::uuid))
          AND ($3::uuid IS NULL OR e.device_id = $3)
          AND ($4::uuid IS NULL OR s.district_id = $4)
        ORDER BY e.at DESC, e.id DESC
        LIMIT $5`,
      [opts.before?.at ?? null, opts.before?.id ?? null, opts.deviceId ?? null, opts.districtId ?? null, opts.limit],
    );
    return rows as { id: string; at: Date; kind: string; deviceId: string | null; deviceCode: string | null; seq: number | null; reason: string; details: unknown; remoteAddr: string | null }[];
  }
}
