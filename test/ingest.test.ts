import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { deviceAuthHeader, generateDeviceKeys, signRecord, verifyBytes, publicKeyFromBase64 } from '@haulproof/contracts/signing';
import pg from 'pg';
import { startTestServer } from './support/server.js';
import { createStation, INGEST_PATH, TestDevice } from './support/station.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
let admin: pg.Client;
beforeAll(async () => {
  server = await startTestServer();
  admin = new pg.Client({ connectionString: server.databaseUrl });
  await admin.connect();
});
afterAll(async () => {
  await admin.end();
  await server.close();
});

async function device() {
  return new TestDevice(server.url, await createStation(server.databaseUrl));
}
const count = async (sql: string, params: unknown[] = []) => Number((await admin.query<{ n: string }>(sql, params)).rows[0]!.n);
const securityEvents = (deviceId: string, kind: string) => count('SELECT count(*) n FROM security_event WHERE device_id = $1 AND kind = $2', [deviceId, kind]);

describe('accepting signed tickets', () => {
  test('a ticket is accepted and its signed bytes are stored verbatim', async () => {
    const d = await device();
    const rec = d.nextTicket();
    const res = await d.post([rec]);
    expect(res.status).toBe(200);
    expect(res.body.results).toEqual([{ seq: 1, status: 'accepted', hash: rec.hash, ticketId: expect.any(String), receivedAt: expect.any(String) }]);
    const { rows } = await admin.query('SELECT r.canonical, r.signature, r.hash, t.net_kg, t.gross_kg FROM device_record r JOIN ticket t ON t.record_id = r.id WHERE r.device_id = $1', [d.station.deviceId]);
    expect(rows).toHaveLength(1);
    expect(Buffer.compare(rows[0].canonical, Buffer.from(rec.canonical, 'base64'))).toBe(0);
    expect(rows[0].hash).toBe(rec.hash);
    // The stored bytes verify on their own, years later, without re-serialising anything.
    const { rows: keys } = await admin.query('SELECT public_key FROM station_device WHERE id = $1', [d.station.deviceId]);
    expect(verifyBytes(publicKeyFromBase64(keys[0].public_key), rows[0].canonical, rows[0].signature)).toBe(true);
    expect([rows[0].gross_kg, rows[0].net_kg]).toEqual([20000, 8000]);
  });

  test('a batch is accepted in order', async () => {
    const d = await device();
    const recs = Array.from({ length: 120 }, (_, i) => d.nextTicket({ grossKg: 20_000 + i * 20, netKg: 8_000 + i * 20 }));
    const res = await d.post(recs);
    expect(res.status).toBe(200);
    expect(res.body.results.map((r: { seq: number }) => r.seq)).toEqual(recs.map((r) => r.seq));
    expect(await count('SELECT count(*) n FROM ticket WHERE device_id = $1', [d.station.deviceId])).toBe(120);
  });

  test('a void record voids the earlier ticket and keeps the ticket row', async () => {
    const d = await device();
    const t = d.nextTicket();
    await d.post([t]);
    const v = d.next({ kind: 'void', void: { ticketSeq: 1, reason: 'open ticket timed out', at: new Date().toISOString(), operator: null } });
    const res = await d.post([v]);
    expect(res.status).toBe(200);
    const { rows } = await admin.query('SELECT voided FROM ticket_effective WHERE device_id = $1', [d.station.deviceId]);
    expect(rows).toEqual([{ voided: true }]);
    // voiding it again is refused with a reason
    const again = await d.post([d.next({ kind: 'void', void: { ticketSeq: 1, reason: 'again', at: new Date().toISOString(), operator: null } })]);
    expect(again.status).toBe(422);
    expect(again.body.message).toMatch(/already void/);
  });
});

describe('exactly once', () => {
  test('posting the same ticket again returns the original result', async () => {
    const d = await device();
    const rec = d.nextTicket();
    const first = await d.post([rec]);
    const second = await d.post([rec]);
    expect(second.status).toBe(200);
    expect(second.body.results[0]).toEqual({ ...first.body.results[0], status: 'duplicate' });
    expect(await count('SELECT count(*) n FROM ticket WHERE device_id = $1', [d.station.deviceId])).toBe(1);
  });

  test('the same (device, seq) with a different body is a 409 and a security event', async () => {
    const d = await device();
    const original = d.nextTicket();
    await d.post([original]);
    d.seq = 0; // rewind: sign a different ticket under seq 1
    d.prev = '0'.repeat(64);
    const forged = d.nextTicket({ grossKg: 30_000, netKg: 18_000 });
    const res = await d.post([forged]);
    expect(res.status).toBe(409);
    expect(res.body.message).toMatch(/already in the ledger with different content/);
    expect(res.body.correlationId).toEqual(expect.any(String));
    expect(await securityEvents(d.station.deviceId, 'SEQ_CONFLICT')).toBe(1);
    const { rows } = await admin.query('SELECT gross_kg FROM ticket WHERE device_id = $1', [d.station.deviceId]);
    expect(rows).toEqual([{ gross_kg: 20000 }]);
  });

  test('50 concurrent identical posts create exactly one row and no 5xx', async () => {
    const d = await device();
    const recs = [d.nextTicket(), d.nextTicket()];
    const responses = await Promise.all(Array.from({ length: 50 }, () => d.post(recs)));
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(new Set(statuses)).toEqual(new Set([200]));
    const accepted = responses.flatMap((r) => r.body.results).filter((r: { status: string }) => r.status === 'accepted');
    expect(accepted).toHaveLength(2);
    const ticketIds = new Set(responses.flatMap((r) => r.body.results.map((x: { ticketId: string }) => x.ticketId)));
    expect(ticketIds.size).toBe(2);
    expect(await count('SELECT count(*) n FROM ticket WHERE device_id = $1', [d.station.deviceId])).toBe(2);
    expect(await count('SELECT count(*) n FROM device_record WHERE device_id = $1', [d.station.deviceId])).toBe(2);
  });

  test('a batch that fails midway keeps the records before the failure and reports them', async () => {
    const d = await device();
    const good = [d.nextTicket(), d.nextTicket()];
    const bad = d.nextTicket({ site: 'NO-SUCH-SITE' });
    const res = await d.post([...good, bad]);
    expect(res.status).toBe(422);
    expect(res.body.failedSeq).toBe(3);
    expect(res.body.results.map((r: { seq: number; status: string }) => [r.seq, r.status])).toEqual([[1, 'accepted'], [2, 'accepted']]);
    expect(res.body.message).toMatch(/unknown site NO-SUCH-SITE/);
    expect(await count('SELECT count(*) n FROM ticket WHERE device_id = $1', [d.station.deviceId])).toBe(2);
    expect(await securityEvents(d.station.deviceId, 'REJECTED_RECORD')).toBe(1);
  });
});

test('a record the database refuses mid-batch is rejected alone; those before it are kept', async () => {
  // A rule only the database knows, to drive the bulk insert into its per-record fallback.
  await admin.query('ALTER TABLE ticket ADD CONSTRAINT test_refuse_13013 CHECK (gross_kg <> 13013)');
  try {
    const d = await device();
    const recs = [d.nextTicket(), d.nextTicket(), d.nextTicket({ grossKg: 13_013, netKg: 1_013 }), d.nextTicket()];
    const res = await d.post(recs);
    expect(res.status).toBe(422);
    expect(res.body.failedSeq).toBe(3);
    expect(res.body.message).toMatch(/refused by a ledger rule/);
    expect(res.body.results.map((r: { seq: number }) => r.seq)).toEqual([1, 2]);
    expect(await count('SELECT count(*) n FROM device_record WHERE device_id = $1', [d.station.deviceId])).toBe(2);
    expect(await count('SELECT count(*) n FROM ticket WHERE device_id = $1', [d.station.deviceId])).toBe(2);
  } finally {
    await admin.query('ALTER TABLE ticket DROP CONSTRAINT test_refuse_13013');
  }
});

describe('the chain and the signature', () => {
  test('a record whose prev does not match the chain tail is rejected and recorded', async () => {
    const d = await device();
    await d.post([d.nextTicket()]);
    d.prev = 'f'.repeat(64);
    const res = await d.post([d.nextTicket()]);
    expect(res.status).toBe(422);
    expect(res.body.kind).toBe('CHAIN_BROKEN');
    expect(res.body.message).toMatch(/does not match the hash of seq 1/);
    // so an honest device that lost its state can resume where the server's chain ends
    expect(res.body.chainHead).toEqual({ seq: 1, hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(await securityEvents(d.station.deviceId, 'CHAIN_BROKEN')).toBe(1);
  });

  test('a gap in the sequence is rejected', async () => {
    const d = await device();
    await d.post([d.nextTicket()]);
    d.seq += 1; // skip seq 2
    const res = await d.post([d.nextTicket()]);
    expect(res.status).toBe(422);
    expect(res.body.message).toMatch(/expected seq 2, got 3/);
    expect(await securityEvents(d.station.deviceId, 'CHAIN_GAP')).toBe(1);
  });

  test('the first record must chain to the genesis hash', async () => {
    const d = await device();
    d.prev = 'a'.repeat(64);
    const res = await d.post([d.nextTicket()]);
    expect(res.status).toBe(422);
    expect(res.body.kind).toBe('CHAIN_BROKEN');
  });

  test('a tampered record fails its signature', async () => {
    const d = await device();
    const rec = d.nextTicket();
    const bytes = Buffer.from(rec.canonical, 'base64');
    const tampered = Buffer.from(bytes.toString('utf8').replace('"netKg":8000', '"netKg":9000').replace('"grossKg":20000', '"grossKg":21000'));
    const res = await d.post([{ canonical: tampered.toString('base64'), signature: rec.signature }]);
    expect(res.status).toBe(422);
    expect(res.body.kind).toBe('BAD_SIGNATURE');
    expect(await securityEvents(d.station.deviceId, 'BAD_SIGNATURE')).toBe(1);
    expect(await count('SELECT count(*) n FROM device_record WHERE device_id = $1', [d.station.deviceId])).toBe(0);
  });

  test("a record signed with another device's key is rejected", async () => {
    const d = await device();
    const other = generateDeviceKeys();
    const payload = { v: 1, kind: 'ticket', device: d.station.deviceCode, seq: 1, prev: '0'.repeat(64), ticket: d.ticketBody() };
    const res = await d.post([signRecord(other.privateKeyPem, payload)]);
    expect(res.status).toBe(422);
    expect(res.body.kind).toBe('BAD_SIGNATURE');
  });

  test('a record claiming to be from another device is rejected', async () => {
    const d = await device();
    const res = await d.post([d.sign({ v: 1, kind: 'ticket', device: 'SOMEONE-ELSE', seq: 1, prev: '0'.repeat(64), ticket: d.ticketBody() })]);
    expect(res.status).toBe(422);
    expect(res.body.kind).toBe('DEVICE_MISMATCH');
  });

  test('validly signed but non-canonical bytes are rejected', async () => {
    const d = await device();
    const payload = { v: 1, kind: 'ticket', device: d.station.deviceCode, seq: 1, prev: '0'.repeat(64), ticket: d.ticketBody() };
    const pretty = Buffer.from(JSON.stringify(payload, null, 2));
    const { signBytes } = await import('@haulproof/contracts/signing');
    const res = await d.post([{ canonical: pretty.toString('base64'), signature: signBytes(d.station.privateKeyPem, pretty).toString('base64') }]);
    expect(res.status).toBe(422);
    expect(res.body.kind).toBe('NOT_CANONICAL');
  });
});

describe('device authentication', () => {
  test('requests without, or with a wrong, device signature are refused and recorded', async () => {
    const d = await device();
    const body = Buffer.from(JSON.stringify({ records: [d.nextTicket()] }));
    const none = await d.post([], { rawBody: body, auth: '' });
    expect(none.status).toBe(401);
    const wrongKey = await d.post([], { rawBody: body, auth: deviceAuthHeader(d.station.deviceCode, generateDeviceKeys().privateKeyPem, 'POST', INGEST_PATH, body) });
    expect(wrongKey.status).toBe(401);
    expect(wrongKey.body.message).toMatch(/does not verify/);
    const otherBody = await d.post([], { rawBody: body, auth: deviceAuthHeader(d.station.deviceCode, d.station.privateKeyPem, 'POST', INGEST_PATH, Buffer.from('{}')) });
    expect(otherBody.status).toBe(401);
    const stale = await d.post([], { rawBody: body, auth: deviceAuthHeader(d.station.deviceCode, d.station.privateKeyPem, 'POST', INGEST_PATH, body, new Date(Date.now() - 3_600_000)) });
    expect(stale.status).toBe(401);
    expect(stale.body.message).toMatch(/server time/);
    expect(await securityEvents(d.station.deviceId, 'DEVICE_AUTH_FAILED')).toBe(3);
    expect(await count('SELECT count(*) n FROM device_record WHERE device_id = $1', [d.station.deviceId])).toBe(0);
  });

  test('a suspended device may not send', async () => {
    const d = await device();
    await admin.query(`UPDATE station_device SET status = 'SUSPENDED' WHERE id = $1`, [d.station.deviceId]);
    const res = await d.post([d.nextTicket()]);
    expect(res.status).toBe(403);
    expect(res.body.message).toMatch(/SUSPENDED/);
  });
});

describe('ticket rules', () => {
  test('gross above the scale maximum + 9 e is rejected', async () => {
    const d = await device();
    const ok = await d.post([d.nextTicket({ grossKg: 60_180, tareKg: 12_000, netKg: 48_180 })]); // 60 000 + 9 × 20
    expect(ok.status).toBe(200);
    const res = await d.post([d.nextTicket({ grossKg: 60_200, tareKg: 12_000, netKg: 48_200 })]);
    expect(res.status).toBe(422);
    expect(res.body.message).toMatch(/maximum \+ 9 e \(60180 kg\)/);
  });

  test('times far in the future are rejected', async () => {
    const d = await device();
    const future = new Date(Date.now() + 2 * 86_400_000).toISOString();
    const res = await d.post([d.nextTicket({ firstAt: future, secondAt: future })]);
    expect(res.status).toBe(422);
    expect(res.body.message).toMatch(/in the future/);
  });

  test('a lane that is not on this device is rejected', async () => {
    const d = await device();
    await admin.query(`INSERT INTO scale (site_id, code, name, max_kg, division_kg, min_load_kg, protocol) VALUES ($1, 'L2', 'Lane 2', 60000, 20, 400, 'ST_GS')`, [d.station.siteId]);
    const res = await d.post([d.nextTicket({ lane: 'L2' })]);
    expect(res.status).toBe(422);
    expect(res.body.message).toMatch(/lane L2 is not assigned/);
  });
});
