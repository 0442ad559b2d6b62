// Enrolment end to end: an admin issues a one-time token for a PENDING device, the station agent
// sends its new public key with it, and from then on signs with that key. Every refusal is checked.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createHash } from 'node:crypto';
import pg from 'pg';
import { deviceAuthHeader, generateDeviceKeys } from '@haulproof/contracts/signing';
import type { LiveMessage } from '../server/src/live/publisher.js';
import { startTestServer } from './support/server.js';
import { createStation, TestDevice, type StationFixture } from './support/station.js';
import { api, userToken } from './support/users.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
let owner: pg.Client;
let station: StationFixture;
let admin: ReturnType<typeof api>;
let n = 0;

beforeAll(async () => {
  server = await startTestServer();
  owner = new pg.Client({ connectionString: server.databaseUrl });
  await owner.connect();
  station = await createStation(server.databaseUrl);
  admin = api(server.url, await userToken(server, { username: 'admin', role: 'ADMIN' }));
});
afterAll(async () => {
  await owner.end();
  await server.close();
});

/** A new PENDING device at the test station, created through the registry API. */
async function pendingDevice(): Promise<{ id: string; code: string }> {
  const res = await admin.post('/api/v1/devices', { code: `ENROL-${++n}`, siteId: station.siteId, scaleIds: [station.scaleId] });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { id: res.body.id, code: res.body.code };
}
async function issue(deviceId: string) {
  return admin.post(`/api/v1/devices/${deviceId}/enrolment`);
}
async function enrol(body: Record<string, unknown>) {
  const res = await fetch(`${server.url}/api/v1/device/enrol`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as any };
}
const row = async (id: string) => (await owner.query('SELECT status, public_key, software_version, enrol_token_hash, enrol_token_expires_at FROM station_device WHERE id = $1', [id])).rows[0];
const authFailures = async (deviceId: string) => Number((await owner.query(`SELECT count(*) n FROM security_event WHERE device_id = $1 AND kind = 'DEVICE_AUTH_FAILED'`, [deviceId])).rows[0].n);

describe('the happy path', () => {
  test('admin issues a token; the agent enrols with it, is ACTIVE, and signs with its key', async () => {
    const dev = await pendingDevice();
    const issued = await issue(dev.id);
    expect(issued.status).toBe(201);
    expect(issued.body).toEqual({ deviceId: dev.id, code: dev.code, token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), expiresAt: expect.any(String) });
    const ttl = Date.parse(issued.body.expiresAt) - Date.now();
    expect(ttl).toBeGreaterThan(7 * 86_400_000 - 60_000);
    expect(ttl).toBeLessThanOrEqual(7 * 86_400_000);
    // only the token's sha256 is stored; the registry never shows it
    const stored = await row(dev.id);
    expect(stored.enrol_token_hash).toBe(createHash('sha256').update(issued.body.token).digest('hex'));
    expect(JSON.stringify(stored)).not.toContain(issued.body.token);
    const view = await admin.get(`/api/v1/devices/${dev.id}`);
    expect(Object.keys(view.body).join()).not.toMatch(/enrol/i);

    const got: LiveMessage[] = [];
    const stop = server.ctx.live.subscribe((m) => got.push(m));
    const keys = generateDeviceKeys();
    const res = await enrol({ code: dev.code, token: issued.body.token, publicKey: keys.publicKey, softwareVersion: 'haulproof-agent 0.3.0' });
    stop();
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({ deviceId: dev.id, code: dev.code, siteCode: station.siteCode, status: 'ACTIVE' });
    expect(await row(dev.id)).toEqual({ status: 'ACTIVE', public_key: keys.publicKey, software_version: 'haulproof-agent 0.3.0', enrol_token_hash: null, enrol_token_expires_at: null });
    expect(got.filter((m) => m.event === 'device.status')).toEqual([
      { event: 'device.status', payload: expect.objectContaining({ deviceId: dev.id, status: 'ACTIVE', online: false, lastSeenAt: expect.any(String) }), scope: { siteId: station.siteId, districtId: station.districtId } },
    ]);

    // the new key now authenticates the device: its registry and a signed ticket
    const path = '/api/v1/device/registry';
    const snap = await fetch(server.url + path, { headers: { authorization: deviceAuthHeader(dev.code, keys.privateKeyPem, 'GET', path, new Uint8Array()) } });
    expect(snap.status).toBe(200);
    const d = new TestDevice(server.url, { ...station, deviceId: dev.id, deviceCode: dev.code, privateKeyPem: keys.privateKeyPem });
    expect((await d.post([d.nextTicket()])).status).toBe(200);
  });

  test('a second token replaces the first', async () => {
    const dev = await pendingDevice();
    const first = (await issue(dev.id)).body.token;
    const second = (await issue(dev.id)).body.token;
    const keys = generateDeviceKeys();
    expect((await enrol({ code: dev.code, token: first, publicKey: keys.publicKey, softwareVersion: 'a' })).status).toBe(401);
    expect((await enrol({ code: dev.code, token: second, publicKey: keys.publicKey, softwareVersion: 'a' })).status).toBe(200);
  });
});

describe('refusals', () => {
  test('a wrong token is a 401 and a security event; the device stays PENDING', async () => {
    const dev = await pendingDevice();
    await issue(dev.id);
    const res = await enrol({ code: dev.code, token: 'x'.repeat(43), publicKey: generateDeviceKeys().publicKey, softwareVersion: 'a' });
    expect(res.status).toBe(401);
    expect(res.body.message).toMatch(/wrong or already used enrolment token/);
    expect(await authFailures(dev.id)).toBe(1);
    expect((await row(dev.id)).status).toBe('PENDING');
    expect((await row(dev.id)).public_key).toBeNull();
  });

  test('an expired token is a 401 that says so', async () => {
    const dev = await pendingDevice();
    const { token } = (await issue(dev.id)).body;
    await owner.query(`UPDATE station_device SET enrol_token_expires_at = now() - interval '1 second' WHERE id = $1`, [dev.id]);
    const res = await enrol({ code: dev.code, token, publicKey: generateDeviceKeys().publicKey, softwareVersion: 'a' });
    expect(res.status).toBe(401);
    expect(res.body.message).toMatch(/expired/);
    expect(await authFailures(dev.id)).toBe(1);
    expect((await row(dev.id)).status).toBe('PENDING');
  });

  test('a used token cannot be used again, not even to replace the key', async () => {
    const dev = await pendingDevice();
    const { token } = (await issue(dev.id)).body;
    const first = generateDeviceKeys();
    expect((await enrol({ code: dev.code, token, publicKey: first.publicKey, softwareVersion: 'a' })).status).toBe(200);
    const res = await enrol({ code: dev.code, token, publicKey: generateDeviceKeys().publicKey, softwareVersion: 'b' });
    expect(res.status).toBe(401);
    expect((await row(dev.id)).public_key).toBe(first.publicKey);
    expect(await authFailures(dev.id)).toBe(1);
  });

  test('two enrolments racing with one token: exactly one wins', async () => {
    const dev = await pendingDevice();
    const { token } = (await issue(dev.id)).body;
    const results = await Promise.all(Array.from({ length: 8 }, () => enrol({ code: dev.code, token, publicKey: generateDeviceKeys().publicKey, softwareVersion: 'a' })));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status >= 500)).toEqual([]);
  });

  test('a device that already has a key gets a 409, with a valid token or when asking for one', async () => {
    const dev = await pendingDevice();
    const { token } = (await issue(dev.id)).body;
    // an admin typed a key in meanwhile (the device stays PENDING)
    expect((await admin.patch(`/api/v1/devices/${dev.id}`, { publicKey: Buffer.alloc(32, 3).toString('base64') })).status).toBe(200);
    const res = await enrol({ code: dev.code, token, publicKey: generateDeviceKeys().publicKey, softwareVersion: 'a' });
    expect(res.status).toBe(409);
    expect(res.body.message).toMatch(/already has a key/);
    expect((await issue(dev.id)).status).toBe(409);
    // an enrolled device with signed records: never a new token
    const active = await issue(station.deviceId);
    expect(active.status).toBe(409);
  });

  test('only PENDING devices get tokens; unknown ids are 404', async () => {
    const dev = await pendingDevice();
    expect((await admin.patch(`/api/v1/devices/${dev.id}`, { status: 'RETIRED' })).status).toBe(200);
    const res = await issue(dev.id);
    expect(res.status).toBe(409);
    expect(res.body.message).toMatch(/RETIRED/);
    expect((await issue('00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await issue('not-a-uuid')).status).toBe(400);
  });

  test('an unknown device code is a 401 and a security event without a device', async () => {
    const before = Number((await owner.query(`SELECT count(*) n FROM security_event WHERE device_id IS NULL AND kind = 'DEVICE_AUTH_FAILED'`)).rows[0].n);
    const res = await enrol({ code: 'NO-SUCH-DEVICE', token: 'y'.repeat(43), publicKey: generateDeviceKeys().publicKey, softwareVersion: 'a' });
    expect(res.status).toBe(401);
    expect(Number((await owner.query(`SELECT count(*) n FROM security_event WHERE device_id IS NULL AND kind = 'DEVICE_AUTH_FAILED'`)).rows[0].n)).toBe(before + 1);
  });

  test('a malformed body is a 400 naming the fields', async () => {
    const res = await enrol({ code: 'lower-case', token: 'short', publicKey: 'not a key', softwareVersion: '' });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['code', 'publicKey', 'softwareVersion', 'token']);
  });

  test('5 failures for one device → 429, even with the right token; other devices are unaffected', async () => {
    const dev = await pendingDevice();
    const other = await pendingDevice();
    const { token } = (await issue(dev.id)).body;
    const otherToken = (await issue(other.id)).body.token;
    for (let i = 0; i < 5; i++) expect((await enrol({ code: dev.code, token: `wrong-token-${i}-xxxxxxxx`, publicKey: generateDeviceKeys().publicKey, softwareVersion: 'a' })).status).toBe(401);
    const res = await enrol({ code: dev.code, token, publicKey: generateDeviceKeys().publicKey, softwareVersion: 'a' });
    expect(res.status).toBe(429);
    expect(res.body.retryAfterS).toBeGreaterThan(0);
    expect((await row(dev.id)).status).toBe('PENDING');
    expect((await enrol({ code: other.code, token: otherToken, publicKey: generateDeviceKeys().publicKey, softwareVersion: 'a' })).status).toBe(200);
  });
});
