// Brings a day's stored anomalies in line with what its computation found, inside
// the day's transaction. Identity is the natural key, so a finding is raised once;
// every change leaves an append-only anomaly_event:
//   new key                      → RAISED
//   known, inactive, found again → REDETECTED
//   known, found, facts changed  → UPDATED (summary, details or evidence)
//   known, active, not found     → CLEARED (the condition no longer holds)
// People's status (OPEN/ACKNOWLEDGED/RESOLVED) and assignee are never touched here.
import type pg from 'pg';
import type { AnomalyCandidate, Day } from '../../reconciliation/types.js';

export interface AnomalyChanges {
  raised: string[];
  updated: string[];
  cleared: string[];
}

interface Stored {
  id: string;
  key: string;
  active: boolean;
  summary: string;
  details: unknown;
  evidence: string[];
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
    const { rows } = await this.c.query<Stored>(
      `SELECT a.id, a.natural_key AS key, a.active, a.summary, a.details,
              ARRAY(SELECT t.ticket_id::text FROM anomaly_ticket t WHERE t.anomaly_id = a.id ORDER BY t.ticket_id) AS evidence
         FROM anomaly a WHERE a.service_day = $1 FOR UPDATE`,
      [day],
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
      const changed = s.summary !== f.summary || stableJson(s.details) !== stableJson(f.details) || s.evidence.join() !== evidence.join();
      if (s.active && !changed) continue;
      await this.c.query(`UPDATE anomaly SET active = true, summary = $2, details = $3, updated_at = now() WHERE id = $1`, [s.id, f.summary, JSON.stringify(f.details)]);
      if (s.evidence.join() !== evidence.join()) {
        await this.c.query('DELETE FROM anomaly_ticket WHERE anomaly_id = $1', [s.id]);
        await this.c.query('INSERT INTO anomaly_ticket (anomaly_id, ticket_id) SELECT $1, unnest($2::uuid[])', [s.id, evidence]);
      }
      events.push({ anomaly_id: s.id, kind: s.active ? 'UPDATED' : 'REDETECTED', details: { summary: f.summary, details: f.details, evidence } });
      changes.updated.push(s.id);
    }
    const gone = rows.filter((r) => r.active && !seen.has(r.key));
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
