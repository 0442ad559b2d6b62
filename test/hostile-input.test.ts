// Bad input of any kind gets a 4xx with a reason, never a 5xx, and stores nothing.
// Each case is one hostile request; the count is asserted so cases cannot silently vanish.
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { EstimateBasis, TicketBody } from '@haulproof/contracts';
import { signBytes } from '@haulproof/contracts/signing';
import pg from 'pg';
import { startTestServer } from './support/server.js';
import { createStation, TestDevice } from './support/station.js';
import { api, userToken } from './support/users.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
let dev: TestDevice;
let owner: pg.Client;
let admin: ReturnType<typeof api>;
let adminToken: string;
let ticketId: string;

beforeAll(async () => {
  server = await startTestServer({ INGEST_BODY_LIMIT_KB: '1024', BODY_LIMIT_KB: '64' });
  owner = new pg.Client({ connectionString: server.databaseUrl });
  await owner.connect();
  dev = new TestDevice(server.url, await createStation(server.databaseUrl));
  // one good ticket, so ticket routes have something to aim at; all hostile records then try seq 2
  const ok = await dev.post([dev.nextTicket()]);
  ticketId = ok.body.results[0].ticketId;
  adminToken = await userToken(server, { username: 'admin-h', role: 'ADMIN' });
  admin = api(server.url, adminToken);
});
afterAll(async () => {
  await owner.end();
  await server.close();
});

type Res = { status: number; body: any };
const envelope = () => ({ v: 1, kind: 'ticket', device: dev.station.deviceCode, seq: 2, prev: dev.prev });
/** A correctly signed record at the chain head whose ticket has `patch` applied (undefined deletes). */
const signedTicket = (patch: Record<string, unknown>, env: Record<string, unknown> = {}) => {
  const ticket: Record<string, unknown> = { ...dev.ticketBody() };
  for (const [k, v] of Object.entries(patch)) if (v === undefined) delete ticket[k]; else ticket[k] = v;
  return dev.post([dev.sign({ ...envelope(), ticket, ...env })]);
};
/** Raw bytes signed correctly: for spellings the canonical encoder refuses to produce. */
const signedRaw = (text: string) => {
  const bytes = Buffer.from(text);
  return dev.post([{ canonical: bytes.toString('base64'), signature: signBytes(dev.station.privateKeyPem, bytes).toString('base64') }]);
};
const rawIngest = (body: string | Buffer) => dev.post([], { rawBody: Buffer.isBuffer(body) ? body : Buffer.from(body) });
const good = () => dev.sign({ ...envelope(), ticket: dev.ticketBody() });
/** A well-formed estimated (估重) ticket: the median of three nets the device claims to have weighed as seqs 1, 7 and 9. */
const estimated = (): Partial<TicketBody> & { estimate: EstimateBasis } => ({
  grossSource: 'ESTIMATED', tareSource: 'STORED', secondAt: null, flags: ['STORED_TARE', 'ESTIMATED'],
  estimate: { method: 'VEHICLE_MEDIAN', scale: 'FAULT', reason: 'indicator dead', supervisor: 'sup1', sampleSeqs: [9, 7, 1], sampleNetsKg: [7_900, 8_000, 8_300], ratedLoadKg: null, sharePermille: null },
});
const raw = async (method: string, path: string, body: string, headers: Record<string, string> = {}): Promise<Res> => {
  const res = await fetch(server.url + path, { method, headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json', ...headers }, body });
  const text = await res.text();
  return { status: res.status, body: text.startsWith('{') ? JSON.parse(text) : text };
};

const cases: [string, () => Promise<Res>][] = [
  // ── ingestion: the envelope ──
  ['body is not JSON', () => rawIngest('{"records": [')],
  ['body is a JSON array', () => rawIngest('[]')],
  ['body is JSON null', () => rawIngest('null')],
  ['records missing', () => rawIngest('{}')],
  ['records empty', () => rawIngest('{"records":[]}')],
  ['records is a string', () => rawIngest('{"records":"all of them"}')],
  ['501 records in one batch', () => rawIngest(JSON.stringify({ records: Array.from({ length: 501 }, good) }))],
  ['canonical is not base64', () => rawIngest(JSON.stringify({ records: [{ canonical: '***', signature: good().signature }] }))],
  ['signature is too short', () => rawIngest(JSON.stringify({ records: [{ canonical: good().canonical, signature: 'AAAA' }] }))],
  ['record has an extra field', () => rawIngest(JSON.stringify({ records: [{ ...good(), note: 'hi' }] }))],
  ['record larger than 12 KiB', () => rawIngest(JSON.stringify({ records: [{ canonical: Buffer.alloc(13_000, 65).toString('base64'), signature: good().signature }] }))],
  ['body larger than the limit', () => rawIngest(Buffer.alloc(1100 * 1024, 32))],
  ['body is binary garbage', () => rawIngest(Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x7b]))],
  // ── ingestion: the signed payload ──
  ['record version 2', () => dev.post([dev.sign({ ...envelope(), v: 2, ticket: dev.ticketBody() })])],
  ['unknown record kind', () => dev.post([dev.sign({ ...envelope(), kind: 'teleport', ticket: dev.ticketBody() })])],
  ['seq 0', () => dev.post([dev.sign({ ...envelope(), seq: 0, ticket: dev.ticketBody() })])],
  ['negative seq', () => dev.post([dev.sign({ ...envelope(), seq: -5, ticket: dev.ticketBody() })])],
  ['seq as a float spelling', () => signedRaw(`{"device":"${dev.station.deviceCode}","kind":"ticket","prev":"${dev.prev}","seq":2.5,"ticket":{},"v":1}`)],
  ['prev is not a hash', () => dev.post([dev.sign({ ...envelope(), prev: 'not-a-hash', ticket: dev.ticketBody() })])],
  ['signed for another device', () => dev.post([dev.sign({ ...envelope(), device: 'DEV-OTHER', ticket: dev.ticketBody() })])],
  ['extra top-level field', () => dev.post([dev.sign({ ...envelope(), ticket: dev.ticketBody(), extra: 1 })])],
  ['ticket missing', () => dev.post([dev.sign(envelope())])],
  // ── ingestion: weights ──
  ['gross as a string', () => signedTicket({ grossKg: '20000' })],
  ['gross with a fraction', () => signedRaw(JSON.stringify({ ...envelope(), ticket: { ...dev.ticketBody(), grossKg: 1 } }).replace('"grossKg":1', '"grossKg":20000.5'))],
  ['negative gross', () => signedTicket({ grossKg: -20000, netKg: -32000 })],
  ['zero gross', () => signedTicket({ grossKg: 0, tareKg: 0, netKg: 0 })],
  ['absurd gross (10⁹ kg)', () => signedTicket({ grossKg: 1_000_000_000, netKg: 999_988_000 })],
  ['negative tare', () => signedTicket({ tareKg: -1, netKg: 20001 })],
  ['net ≠ gross − tare', () => signedTicket({ netKg: 9000 })],
  ['tare above gross (negative net)', () => signedTicket({ tareKg: 25000, netKg: -5000 })],
  ['gross above scale max + 9 e', () => signedTicket({ grossKg: 70000, netKg: 58000 })],
  ['net missing', () => signedTicket({ netKg: undefined })],
  // ── ingestion: provenance and flags ──
  ['unknown tare source', () => signedTicket({ tareSource: 'GUESSED' })],
  ['gross from a stored value', () => signedTicket({ grossSource: 'STORED' })],
  ['keyed tare without the KEYED flag', () => signedTicket({ tareSource: 'KEYED' })],
  ['KEYED flag on a weighed ticket', () => signedTicket({ flags: ['KEYED'] })],
  ['stored tare without its flag', () => signedTicket({ tareSource: 'STORED', secondAt: null })],
  // 估重: an estimate must say how it was computed, and the ledger must bear it out
  ['estimated gross without an estimate basis', () => signedTicket({ grossSource: 'ESTIMATED', tareSource: 'STORED', secondAt: null, flags: ['STORED_TARE', 'ESTIMATED'] })],
  ['estimated gross without the ESTIMATED flag', () => signedTicket({ ...estimated(), flags: ['STORED_TARE'] })],
  ['estimate basis on a weighed ticket', () => signedTicket({ estimate: estimated().estimate })],
  ['estimate that is the median of two tickets', () => signedTicket({ ...estimated(), estimate: { ...estimated().estimate, sampleSeqs: [1, 2], sampleNetsKg: [8_000, 8_000] } })],
  ['estimate whose median is not the net', () => signedTicket({ ...estimated(), estimate: { ...estimated().estimate, sampleNetsKg: [7_000, 7_200, 6_900] } })],
  ['estimate without a supervisor', () => signedTicket({ ...estimated(), estimate: { ...estimated().estimate, supervisor: ' ' } })],
  ['estimate supervised by its own operator', () => signedTicket({ ...estimated(), estimate: { ...estimated().estimate, supervisor: 'op1' } })],
  ['estimate without an operator', () => signedTicket({ ...estimated(), operator: null })],
  ['estimate citing tickets the device never sent', () => signedTicket(estimated())],
  ['unknown flag', () => signedTicket({ flags: ['LOOKS_FINE'] })],
  ['repeated flag', () => signedTicket({ flags: ['OVERWEIGHT', 'OVERWEIGHT'] })],
  // ── ingestion: identities ──
  ['unknown stream', () => signedTicket({ stream: 'SAND' })],
  ['unknown direction', () => signedTicket({ direction: 'SIDEWAYS' })],
  ['plate not normalised', () => signedTicket({ plate: dev.station.plate.replace('E', 'E·') })],
  ['unregistered plate', () => signedTicket({ plate: '苏A99999' })],
  ['card UID not hex', () => signedTicket({ card: 'zzzzzzzz' })],
  ['unknown card', () => signedTicket({ card: 'deadbeef00' })],
  ['unknown site', () => signedTicket({ site: 'NOWHERE' })],
  ['unknown lane', () => signedTicket({ lane: 'L9' })],
  ['unknown route', () => signedTicket({ route: 'R-NONE' })],
  ['unknown permit', () => signedTicket({ permit: 'PERMIT-NONE' })],
  ['unknown ticket field', () => signedTicket({ colour: 'green' })],
  ['__proto__ key in ticket', () => signedRaw(JSON.stringify({ ...envelope(), ticket: dev.ticketBody() }).replace('{"card"', '{"__proto__":{"admin":true},"card"'))],
  ['software version missing', () => signedTicket({ software: undefined })],
  ['operator name of 65 characters', () => signedTicket({ operator: 'x'.repeat(65) })],
  // ── ingestion: times ──
  ['time without offset', () => signedTicket({ firstAt: '2026-11-01T08:00:00.000' })],
  ['time that is not a time', () => signedTicket({ firstAt: 'yesterday' })],
  ['second pass before the first', () => signedTicket({ firstAt: '2026-11-01T08:00:00.000+08:00', secondAt: '2026-11-01T07:00:00.000+08:00' })],
  ['two-pass weighing without a second time', () => signedTicket({ secondAt: null })],
  ['a week in the future', () => signedTicket({ firstAt: new Date(Date.now() + 7 * 86_400_000).toISOString(), secondAt: null, tareSource: 'STORED', flags: ['STORED_TARE'] })],
  ['before the year 2000', () => signedTicket({ firstAt: '1999-12-31T23:00:00.000+08:00', secondAt: '1999-12-31T23:30:00.000+08:00' })],
  ['void of a ticket that does not exist', () => dev.post([dev.sign({ ...envelope(), kind: 'void', void: { ticketSeq: 99, reason: 'nothing there', at: new Date().toISOString(), operator: null } })])],
  // ── user API ──
  ['ticket id that is not a UUID', () => admin.get('/api/v1/tickets/1 OR 1=1')],
  ['void without a reason', () => admin.post(`/api/v1/tickets/${ticketId}/void`, {})],
  ['void with a 10 000-character reason', () => admin.post(`/api/v1/tickets/${ticketId}/void`, { reason: 'x'.repeat(10_000) })],
  ['correction with an unknown field', () => admin.post(`/api/v1/tickets/${ticketId}/corrections`, { reason: 'why not', changes: { netKg: 1 } })],
  ['correction to an unknown stream', () => admin.post(`/api/v1/tickets/${ticketId}/corrections`, { reason: 'why not', changes: { stream: 'GOLD' } })],
  ['JSON body that does not parse', () => raw('POST', `/api/v1/tickets/${ticketId}/void`, '{"reason":')],
  ['JSON body over the size limit', () => raw('POST', `/api/v1/tickets/${ticketId}/void`, JSON.stringify({ reason: 'x'.repeat(100 * 1024) }))],
  ['body sent as text/plain', () => raw('POST', `/api/v1/tickets/${ticketId}/void`, 'reason=because', { 'content-type': 'text/plain' })],
  ['query with an array parameter', () => admin.get('/api/v1/tickets?stream=OTHER&stream=KITCHEN')],
  ['query with a nested object', () => admin.get('/api/v1/tickets?siteId[$ne]=1')],
  ['no session', () => fetch(`${server.url}/api/v1/tickets`).then(async (r) => ({ status: r.status, body: await r.json() }))],
  ['forged session token', () => api(server.url, 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.').get('/api/v1/tickets')],
];

test(`there are at least 50 hostile inputs (${cases.length})`, () => {
  expect(cases.length).toBeGreaterThanOrEqual(50);
});

test.each(cases)('%s → 4xx with a reason, nothing stored', async (_name, run) => {
  const before = await owner.query('SELECT (SELECT count(*) FROM device_record) r, (SELECT count(*) FROM ticket) t, (SELECT count(*) FROM ticket_event) e');
  const res = await run();
  expect(res.status).toBeGreaterThanOrEqual(400);
  expect(res.status).toBeLessThan(500);
  expect(typeof res.body?.message).toBe('string');
  expect(res.body.message.length).toBeGreaterThan(5);
  expect(typeof res.body.correlationId).toBe('string');
  const after = await owner.query('SELECT (SELECT count(*) FROM device_record) r, (SELECT count(*) FROM ticket) t, (SELECT count(*) FROM ticket_event) e');
  expect(after.rows[0]).toEqual(before.rows[0]);
});

test('after all that, the device chain still accepts its next good record', async () => {
  const res = await dev.post([dev.nextTicket()]);
  expect(res.status).toBe(200);
  expect(res.body.results[0]).toMatchObject({ seq: 2, status: 'accepted' });
});

test('an estimate must cite this device’s earlier weighed tickets with the nets they weighed; then it is ESTIMATED', async () => {
  for (let i = 0; i < 2; i++) expect((await dev.post([dev.nextTicket()])).status).toBe(200); // seqs 3 and 4, 8 000 kg net like 1 and 2
  const attempt = (estimate: Record<string, unknown>) => dev.post([dev.sign({ v: 1, kind: 'ticket', device: dev.station.deviceCode, seq: dev.seq + 1, prev: dev.prev, ticket: { ...dev.ticketBody(), ...estimated(), netKg: 8_000, estimate: { ...estimated().estimate, ...estimate } } })]);
  const never = await attempt({ sampleSeqs: [40, 4, 3], sampleNetsKg: [8_000, 8_000, 8_000] });
  expect([never.status, never.body.message]).toEqual([422, expect.stringMatching(/the estimate cites seq 40, which is not an earlier ticket of device/)]);
  const misquoted = await attempt({ sampleSeqs: [4, 3, 1], sampleNetsKg: [8_000, 9_000, 8_000] });
  expect([misquoted.status, misquoted.body.message]).toEqual([422, expect.stringMatching(/the estimate quotes 9000 kg for seq 3, which weighed 8000 kg net/)]);
  const honest = await dev.post([dev.nextTicket({ ...estimated(), netKg: 8_000, estimate: { ...estimated().estimate, sampleSeqs: [4, 3, 1], sampleNetsKg: [8_000, 8_000, 8_000] } })]);
  expect(honest.status).toBe(200);
  const { rows } = await owner.query('SELECT provenance, estimate FROM ticket_effective WHERE id = $1', [honest.body.results[0].ticketId]);
  expect(rows[0]).toMatchObject({ provenance: 'ESTIMATED', estimate: { sampleSeqs: [4, 3, 1] } });
});
