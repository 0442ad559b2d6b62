// 估重 end to end: a station agent's lane (real journal, the server's registry snapshot, the
// real forwarder) records a load with an estimate while its scale is out of service; the
// ticket reaches the ledger as ESTIMATED with its basis, and reconciliation keeps it apart.
import type { TicketView, TotalsRow } from '@haulproof/contracts';
import pg from 'pg';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { EventBus } from '../station-agent/src/event-bus.js';
import { SqliteJournal } from '../station-agent/src/journal/journal.js';
import { tempDir } from '../station-agent/src/journal/test-fixtures.js';
import { loadDeviceKey, storeDeviceKey } from '../station-agent/src/keys.js';
import { Forwarder } from '../station-agent/src/outbox/forwarder.js';
import { HttpIngestTransport } from '../station-agent/src/outbox/ingest-client.js';
import { HttpRegistrySource } from '../station-agent/src/registry/registry-client.js';
import { CardRegistry, Lane } from '../station-agent/src/weighing/index.js';
import { FakeRegistry } from '../station-agent/src/weighing/test-support.js';
import { startTestServer } from './support/server.js';
import { createStation, type StationFixture } from './support/station.js';
import { api, userToken } from './support/users.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
let owner: pg.Client;
let station: StationFixture;
let admin: ReturnType<typeof api>;
const cleanup: (() => unknown)[] = [];

beforeAll(async () => {
  server = await startTestServer();
  owner = new pg.Client({ connectionString: server.databaseUrl });
  await owner.connect();
  station = await createStation(server.databaseUrl);
  admin = api(server.url, await userToken(server, { username: 'est.admin', role: 'ADMIN' }));
}, 60_000);
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
  await owner.end();
  await server.close();
});

test('an estimated load reaches the ledger as ESTIMATED, with its basis, and is totalled apart', async () => {
  // the agent: its key, journal, the registry the server serves it, a lane and the forwarder
  const tmp = tempDir('haulproof-estimate-');
  storeDeviceKey(tmp.dir, station.privateKeyPem);
  const key = loadDeviceKey(tmp.dir);
  const device = { code: station.deviceCode, privateKey: key.privateKey };
  const bus = new EventBus();
  const journal = new SqliteJournal({ dataDir: tmp.dir, deviceCode: station.deviceCode, key, bus });
  journal.start();
  const fetched = await new HttpRegistrySource({ serverUrl: server.url, device }).fetch(null);
  if (fetched.kind !== 'updated') throw new Error('no registry snapshot');
  const lane = new Lane(
    { code: station.laneCode, scale: { maxKg: 60_000, divisionKg: 20, minLoadKg: 400 }, policy: { weighing: 'STORED_TARE' } },
    { journal, registry: new FakeRegistry(fetched.snapshot), bus, cards: new CardRegistry(), clock: Date.now, softwareVersion: 'haulproof-agent test' },
  );
  lane.start();
  const forwarder = new Forwarder({ journal, transport: new HttpIngestTransport({ serverUrl: server.url, device }), bus, backoff: { baseMs: 50, maxMs: 400 }, idleMs: 200 });
  cleanup.push(async () => {
    lane.stop();
    await forwarder.stop();
    journal.stop();
    tmp.remove();
  });

  // three loads this vehicle brought earlier today, weighed full and empty: nets 8 000, 8 600, 7 900
  const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString().replace('Z', '+00:00');
  for (const [i, net] of [8_000, 8_600, 7_900].entries()) {
    journal.appendTicket({
      site: station.siteCode, lane: station.laneCode, plate: station.plate, plateSeen: null, card: station.cardUid, stream: 'OTHER', direction: 'IN',
      grossKg: 12_000 + net, tareKg: 12_000, netKg: net, grossSource: 'WEIGHED', tareSource: 'WEIGHED', firstAt: at(60 - i * 15), secondAt: at(55 - i * 15),
      route: null, permit: null, origin: null, operator: 'op1', flags: [], software: 'haulproof-agent test',
    });
  }

  // the scale goes for calibration (检定); the next truck tips anyway
  expect(lane.takeOutOfService('王建国', '检定 annual calibration')).toMatchObject({ ok: true });
  const done = lane.estimateWeight({ plate: station.plate, stream: 'OTHER', operator: '王建国', supervisor: '李主管', reason: '检定 annual calibration' });
  expect(done).toMatchObject({ ok: true });
  forwarder.start();
  await forwarder.whenIdle();
  expect(journal.queueDepth()).toBe(0);

  // the ledger: provenance ESTIMATED, derived by ticket_effective; the basis kept beside the signed bytes
  const { rows } = await owner.query(`SELECT seq, provenance, gross_source::text AS gross, tare_source::text AS tare, net_kg, estimate FROM ticket_effective WHERE device_id = $1 ORDER BY seq`, [station.deviceId]);
  expect(rows.map((r) => r.provenance)).toEqual(['WEIGHED', 'WEIGHED', 'WEIGHED', 'ESTIMATED']);
  const est = rows[3]!;
  expect(est).toMatchObject({ gross: 'ESTIMATED', tare: 'STORED', net_kg: 8_000, estimate: { method: 'VEHICLE_MEDIAN', scale: 'OUT_OF_SERVICE', sampleSeqs: [3, 2, 1], sampleNetsKg: [7_900, 8_600, 8_000], supervisor: '李主管' } });
  const { rows: events } = await owner.query(`SELECT type, ticket_seq AS "ticketSeq", details FROM station_event WHERE device_id = $1 ORDER BY at, type`, [station.deviceId]);
  expect(events).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ type: 'SCALE_OUT_OF_SERVICE', details: expect.objectContaining({ outOfService: true, reason: '检定 annual calibration' }) }),
      expect.objectContaining({ type: 'ESTIMATED_WEIGHT', ticketSeq: est.seq, details: expect.objectContaining({ netKg: 8_000, method: 'VEHICLE_MEDIAN', samples: 3 }) }),
    ]),
  );

  // the ticket API: filtered by provenance, the basis shown to an inspector
  const listed = await admin.get(`/api/v1/tickets?siteId=${station.siteId}&provenance=ESTIMATED`);
  expect(listed.status).toBe(200);
  expect((listed.body.items as TicketView[]).map((t) => [t.seq, t.provenance, t.grossSource, t.netKg, t.flags])).toEqual([[est.seq, 'ESTIMATED', 'ESTIMATED', 8_000, ['STORED_TARE', 'ESTIMATED']]]);
  expect((listed.body.items as TicketView[])[0]!.estimate).toMatchObject({ method: 'VEHICLE_MEDIAN', sampleSeqs: [3, 2, 1] });
  const weighed = await admin.get(`/api/v1/tickets?siteId=${station.siteId}&provenance=WEIGHED`);
  expect((weighed.body.items as TicketView[]).every((t) => t.estimate === null)).toBe(true);

  // reconciliation: the day's totals keep the estimated tonnes apart
  const { rows: days } = await owner.query(`SELECT DISTINCT to_char(weighed_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS day FROM ticket WHERE device_id = $1 ORDER BY 1`, [station.deviceId]);
  const from = days[0]!.day as string;
  const to = days.at(-1)!.day as string;
  await server.ctx.reconciliation.engine.recomputeRange(from, to, Date.now());
  const totals = await admin.get(`/api/v1/reconciliation/totals?from=${from}&to=${to}&period=month&groupBy=site`);
  expect(totals.status).toBe(200);
  // (summed over the periods: the loads may straddle local midnight at the end of a month)
  const sum = (k: keyof TotalsRow['kg']) => (totals.body.rows as TotalsRow[]).filter((r) => r.siteId === station.siteId).reduce((n, r) => n + r.kg[k], 0);
  expect({ total: sum('total'), WEIGHED: sum('WEIGHED'), STORED_TARE: sum('STORED_TARE'), KEYED: sum('KEYED'), ESTIMATED: sum('ESTIMATED') }).toEqual({ total: 32_500, WEIGHED: 24_500, STORED_TARE: 0, KEYED: 0, ESTIMATED: 8_000 });
}, 60_000);
