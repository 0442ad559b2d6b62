// Station events as evidence: the report-quality score counts them (indicator faults against
// completeness, anti-cheat events against consistency), and the live worker recomputes when
// one arrives, so a weight jump signed after its ticket still becomes a finding.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import pg from 'pg';
import { INTEGRITY_EVENT_TYPES, SCALE_FAULT_EVENT_TYPES, type ReportQuality, type StationEventType } from '@haulproof/contracts';
import { qualityScore } from '../../server/src/services/report-quality.js';
import { generateScenario, writeScenario, type Scenario } from '../../server/src/reconciliation/scenario/index.js';
import { startTestServer } from '../support/server.js';
import { createStation, TestDevice } from '../support/station.js';
import { api, userToken } from '../support/users.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
let owner: pg.Client;
let s: Scenario;

beforeAll(async () => {
  server = await startTestServer();
  owner = new pg.Client({ connectionString: server.databaseUrl });
  await owner.connect();
  s = generateScenario({ seed: 5, from: '2025-03-01', days: 8, districts: 2, populationScale: 0.05, faults: { INDICATOR_FAULT: 2, SCALE_TAMPERING: 2, CARD_CLONE: 1, DOUBLE_WEIGHING: 1 } });
  await writeScenario(owner, s);
  await server.ctx.reconciliation.engine.recomputeRange(s.days[0]!, s.days.at(-1)!, Date.parse('2025-03-12T00:00:00Z'));
}, 300_000);
afterAll(async () => {
  await owner?.end();
  await server?.close();
});

describe('report-quality score', () => {
  test('each site’s station-event counts are what its stations signed, and they lower its score', async () => {
    const admin = api(server.url, await userToken(server, { username: 'q.se.admin', role: 'ADMIN' }));
    const res = await admin.get('/api/v1/reconciliation/quality?period=2025-03');
    expect(res.status).toBe(200);
    const q = res.body as ReportQuality;
    const of = (types: readonly StationEventType[], siteId: string) => s.stationEvents.filter((e) => e.siteId === siteId && types.includes(e.type));
    const localDay = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);
    let faulted = 0;
    let suspicious = 0;
    for (const site of q.sites) {
      const faults = of(SCALE_FAULT_EVENT_TYPES, site.siteId);
      const integrity = of(INTEGRITY_EVENT_TYPES, site.siteId);
      expect(site.counts).toMatchObject({ scaleFaults: faults.length, scaleFaultDays: new Set(faults.map((e) => localDay(e.at))).size, integrityEvents: integrity.length });
      const without = qualityScore({ ...site.counts, scaleFaults: 0, scaleFaultDays: 0, integrityEvents: 0 });
      if (faults.length > 0) {
        faulted++;
        expect(site.completeness!).toBeLessThan(without.completeness!);
        expect(site.completeness!).toBeCloseTo(without.completeness! * (1 - site.counts.scaleFaultDays / site.counts.siteDays), 0);
      } else expect(site.completeness).toBe(without.completeness);
      if (integrity.length > 0) {
        suspicious++;
        expect(site.consistency!).toBeLessThan(without.consistency!);
      } else expect(site.consistency).toBe(without.consistency);
      expect(site.score! < without.score!).toBe(faults.length + integrity.length > 0);
    }
    expect(faulted).toBeGreaterThanOrEqual(1);
    expect(suspicious).toBeGreaterThanOrEqual(1);
    const district = q.districts.find((d) => d.counts.scaleFaults > 0)!;
    expect(district.counts.scaleFaults).toBe(q.sites.filter((x) => x.districtId === district.districtId).reduce((t, x) => t + x.counts.scaleFaults, 0));
  });
});

describe('live', () => {
  test('a weight jump signed after its ticket reaches reconciliation through station.event', async () => {
    const station = await createStation(server.databaseUrl);
    const device = new TestDevice(server.url, station);
    const res = await device.post([device.nextTicket({ flags: ['WEIGHT_JUMP'] })]);
    expect(res.status).toBe(200);
    const ticketId: string = res.body.results[0].ticketId;
    const finding = async () => (await owner.query<{ active: boolean; evidence: string[] }>(`SELECT active, ARRAY(SELECT ticket_id::text FROM anomaly_ticket t WHERE t.anomaly_id = a.id) AS evidence FROM anomaly a WHERE natural_key = $1`, [`SCALE_INTEGRITY:${ticketId}`])).rows[0];
    // the ticket's day is computed (the worker heard ticket.accepted); a flag alone is no finding
    await until(async () => (await owner.query(`SELECT 1 FROM recon_site_day WHERE site_id = $1`, [station.siteId])).rowCount! > 0);
    expect(await finding()).toBeUndefined();

    // the agent's event, naming no ticket, during the visit: only station.event can bring it in now
    const ev = await device.post([device.nextEvent({ type: 'WEIGHT_JUMP', at: new Date(Date.now() - 5 * 60_000).toISOString().replace('Z', '+00:00') })]);
    expect(ev.status).toBe(200);
    await until(async () => (await finding())?.active === true);
    expect((await finding())!.evidence).toEqual([ticketId]);
  });
});

async function until(probe: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}
