// Brings a day's stored anomalies in line with what its computation found, inside
// the day's transaction. Identity is the natural key, so a finding is raised once;
// every change leaves an append-only anomaly_event:
//   new key                      → RAISED
//   known, inactive, found again → REDETECTED
//   known, found, facts changed  → UPDATED (summary, details, evidence, day or scope)
//   known, active, not found     → CLEARED (the condition no longer holds)
// A key is looked up wherever it is stored, not only on this day: a weighing's finding
// moves with the weighing when its service day changes (the site's timezone changed, the
// ticket was corrected), and the finding's scope follows the registry. Such a move is an
// UPDATED (or REDETECTED) event that says where it came from; the old day no longer holds
// the row, so recomputing it clears nothing.
// People's status (OPEN/ACKNOWLEDGED/RESOLVED) and assignee are never touched here.
import type pg from 'pg';
import type { AnomalyCandidate, Day } from '../../reconciliation/types.js';

export interface AnomalyChanges {
  raised: string[];
  updated: string[];
  cleared: string[];
  /** Updated findings whose site, district or carrier changed: the scope they left, which must hear that they went. */
  left?: { id: string; siteId: string | null; districtId: string | null; carrierId: string | null }[];
}

/** Where a finding is filed: its service day and the scope columns people are filtered by. */
const PLACE = ['serviceDay', 'siteId', 'districtId', 'carrierId', 'vehicleId', 'routeId', 'permitId', 'stream'] as const;
type Place = Pick<AnomalyCandidate, (typeof PLACE)[number]>;

interface Stored extends Place {
  id: string;
  key: string;
  active: boolean;
  summary: string;
  details: unknown;
  evidence: string[];
}

/** The place fields that differ, each as { from, to }; empty when the finding stays where it is. */
function moves(s: Place, f: Place): Partial<Record<keyof Place, { from: string | null; to: string | null }>> {
  const out: Partial<Record<keyof Place, { from: string | null; to: string | null }>> = {};
  for (const k of PLACE) if ((s[k] ?? null) !== (f[k] ?? null)) out[k] = { from: s[k] ?? null, to: f[k] ?? null };
  return out;
}

/** JSON with sorted keys, for comparing what jsonb gives back with what was computed. */
export function stableJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  return `{${Object.keys(v as object).sort().map((k) => `${JSON.stringify(k)}:${stableJson((v as Record<string, unknown>)[k])}`).join(',')}}`;
}

export class AnomalySync {
  constructor(private readonly c: pg.ClientBase) {}

  async sync(day: Day, found: readonly AnomalyCandidate[]): Promise<AnomalyChanges> {
    // the day's own rows, and any found key stored under another day; locked in id order so
    // two days' transactions reaching for the same rows queue rather than deadlock
    const { rows } = await this.c.query<Stored>(
      `SELECT a.id, a.natural_key AS key, a.active, a.summary, a.details,
              to_char(a.service_day, 'YYYY-MM-DD') AS "serviceDay", a.site_id AS "siteId", a.district_id AS "districtId", a.carrier_id AS "carrierId",
              a.vehicle_id AS "vehicleId", a.route_id AS "routeId", a.permit_id AS "permitId", a.stream_code AS stream,
              ARRAY(SELECT t.ticket_id::text FROM anomaly_ticket t WHERE t.anomaly_id = a.id ORDER BY t.ticket_id) AS evidence
         FROM anomaly a WHERE a.service_day = $1 OR a.natural_key = ANY($2::text[]) ORDER BY a.id FOR UPDATE`,
      [day, found.map((f) => f.key)],
    );
    const stored = new Map(rows.map((r) => [r.key, r]));
    const changes: AnomalyChanges = { raised: [], updated: [], cleared: [] };
    const fresh = found.filter((f) => !stored.has(f.key));
    if (fresh.length) changes.raised = await this.insert(fresh);

    const events: { anomaly_id: string; kind: string; details: unknown }[] = [];
    const seen = new Set<string>();
    for (const f of found) {
      const s = stored.get(f.key);
      if (!s) continue;
      seen.add(f.key);
      const evidence = [...f.evidence].sort();
      const moved = moves(s, f);
      const changed = s.summary !== f.summary || stableJson(s.details) !== stableJson(f.details) || s.evidence.join() !== evidence.join() || Object.keys(moved).length > 0;
      if (s.active && !changed) continue;
      await this.c.query(
        `UPDATE anomaly SET active = true, summary = $2, details = $3, service_day = $4, site_id = $5, district_id = $6, carrier_id = $7, vehicle_id = $8, route_id = $9, permit_id = $10, stream_code = $11, updated_at = now() WHERE id = $1`,
        [s.id, f.summary, JSON.stringify(f.details), f.serviceDay, f.siteId, f.districtId, f.carrierId, f.vehicleId, f.routeId, f.permitId, f.stream],
      );
      if (s.evidence.join() !== evidence.join()) {
        await this.c.query('DELETE FROM anomaly_ticket WHERE anomaly_id = $1', [s.id]);
        await this.c.query('INSERT INTO anomaly_ticket (anomaly_id, ticket_id) SELECT $1, unnest($2::uuid[])', [s.id, evidence]);
      }
      // `moved.serviceDay.from`: the day it was filed under until now
      events.push({ anomaly_id: s.id, kind: s.active ? 'UPDATED' : 'REDETECTED', details: { summary: f.summary, details: f.details, evidence, ...(Object.keys(moved).length ? { moved } : {}) } });
      changes.updated.push(s.id);
      if (moved.siteId || moved.districtId || moved.carrierId) (changes.left ??= []).push({ id: s.id, siteId: s.siteId ?? null, districtId: s.districtId ?? null, carrierId: s.carrierId ?? null });
    }
    const gone = rows.filter((r) => r.active && !seen.has(r.key) && r.serviceDay === day);
    if (gone.length) {
      await this.c.query('UPDATE anomaly SET active = false, updated_at = now() WHERE id = ANY($1::uuid[])', [gone.map((g) => g.id)]);
      for (const g of gone) events.push({ anomaly_id: g.id, kind: 'CLEARED', details: { reason: 'a recomputation of the day no longer finds it' } });
      changes.cleared = gone.map((g) => g.id);
    }
    if (events.length) {
      await this.c.query(`INSERT INTO anomaly_event (anomaly_id, kind, details) SELECT x.anomaly_id, x.kind::anomaly_event_kind, x.details FROM jsonb_to_recordset($1::jsonb) AS x(anomaly_id uuid, kind text, details jsonb)`, [JSON.stringify(events)]);
    }
    return changes;
  }

  private async insert(fresh: readonly AnomalyCandidate[]): Promise<string[]> {
    const { rows } = await this.c.query<{ id: string; key: string }>(
      `INSERT INTO anomaly (natural_key, kind, service_day, site_id, district_id, carrier_id, vehicle_id, route_id, permit_id, stream_code, summary, details)
       SELECT x.key, x.kind, x."serviceDay", x."siteId", x."districtId", x."carrierId", x."vehicleId", x."routeId", x."permitId", x.stream, x.summary, x.details
         FROM jsonb_to_recordset($1::jsonb) AS x(key text, kind text, "serviceDay" date, "siteId" uuid, "districtId" uuid, "carrierId" uuid, "vehicleId" uuid, "routeId" uuid, "permitId" uuid, stream text, summary text, details jsonb)
       RETURNING id, natural_key AS key`,
      [JSON.stringify(fresh)],
    );
    const idOf = new Map(rows.map((r) => [r.key, r.id]));
    const evidence = fresh.flatMap((f) => f.evidence.map((t) => ({ anomaly_id: idOf.get(f.key)!, ticket_id: t })));
    if (evidence.length) await this.c.query(`INSERT INTO anomaly_ticket (anomaly_id, ticket_id) SELECT x.anomaly_id, x.ticket_id FROM jsonb_to_recordset($1::jsonb) AS x(anomaly_id uuid, ticket_id uuid)`, [JSON.stringify(evidence)]);
    await this.c.query(`INSERT INTO anomaly_event (anomaly_id, kind, details) SELECT x.id, 'RAISED', x.details FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, details jsonb)`, [JSON.stringify(fresh.map((f) => ({ id: idOf.get(f.key)!, details: { summary: f.summary, details: f.details, evidence: f.evidence } })))]);
    return fresh.map((f) => idOf.get(f.key)!);
  }
}
