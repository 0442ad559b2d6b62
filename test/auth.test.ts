// Login, sessions and the login throttle, on a real server and database.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { LoginThrottle } from '../server/src/services/auth.service.js';
import { FIXTURE_PASSWORD, login, seedFixtures, type Fixtures } from './support/fixtures.js';
import { startTestServer } from './support/server.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
let fx: Fixtures;

beforeAll(async () => {
  server = await startTestServer();
  fx = await seedFixtures(server.ctx.db.prisma);
});
afterAll(async () => {
  await server.close();
});

async function postLogin(body: unknown): Promise<{ status: number; body: any; headers: Headers; ms: number }> {
  const t0 = performance.now();
  const res = await fetch(`${server.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const ms = performance.now() - t0;
  return { status: res.status, body: await res.json(), headers: res.headers, ms };
}

async function me(token: string | null): Promise<{ status: number; body: any }> {
  const res = await fetch(`${server.url}/api/v1/auth/me`, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });
  return { status: res.status, body: await res.json() };
}

describe('POST /api/v1/auth/login', () => {
  test('returns a token and the user with role and scope, never the password hash', async () => {
    const res = await postLogin({ username: 'operator.a', password: FIXTURE_PASSWORD });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      token: expect.any(String),
      user: { id: fx.users.operatorA.id, username: 'operator.a', displayName: '姑苏转运站司磅员', role: 'OPERATOR', scope: { siteId: fx.sites.siteA.id, carrierId: null, districtId: null } },
    });
    expect(JSON.stringify(res.body)).not.toMatch(/scrypt|password/i);
    const who = await me(res.body.token);
    expect(who.status).toBe(200);
    expect(who.body).toEqual(res.body.user);
  });

  test('an unknown user and a wrong password get the same 401 and message', async () => {
    const wrong = await postLogin({ username: 'inspector.city', password: 'not-the-password' });
    const unknown = await postLogin({ username: 'nobody-here', password: 'not-the-password' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(unknown.body.message).toBe(wrong.body.message);
    expect(Object.keys(unknown.body).sort()).toEqual(Object.keys(wrong.body).sort());
  });

  test('an unknown user still costs a password verification (no timing oracle for usernames)', async () => {
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const wrong: number[] = [], unknown: number[] = [];
    for (let i = 0; i < 3; i++) {
      wrong.push((await postLogin({ username: 'inspector.district-a', password: `wrong-${i}` })).ms);
      unknown.push((await postLogin({ username: `ghost-${i}`, password: `wrong-${i}` })).ms);
    }
    // Without the dummy scrypt the unknown path is a single index lookup, well under a tenth of a verify.
    expect(median(unknown)).toBeGreaterThan(median(wrong) * 0.4);
  });

  test('a deactivated user cannot log in, with the same message', async () => {
    await server.ctx.db.prisma.appUser.create({ data: { username: 'retired.op', displayName: 'x', passwordHash: (await server.ctx.db.prisma.appUser.findUniqueOrThrow({ where: { id: fx.users.admin.id } })).passwordHash, role: 'INSPECTOR', active: false } });
    const res = await postLogin({ username: 'retired.op', password: FIXTURE_PASSWORD });
    expect(res.status).toBe(401);
    expect(res.body.message).toBe('wrong username or password');
  });

  test('malformed bodies are 400 with the fields named', async () => {
    const extra = await postLogin({ username: 'admin', password: FIXTURE_PASSWORD, role: 'ADMIN' });
    expect(extra.status).toBe(400);
    const missing = await postLogin({ username: 'admin' });
    expect(missing.status).toBe(400);
    expect(missing.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'password' })]));
  });

  test('10 failures in 15 minutes for one username and address → 429, even with the right password', async () => {
    await server.ctx.db.prisma.appUser.create({
      data: { username: 'throttled.user', displayName: 'x', passwordHash: (await server.ctx.db.prisma.appUser.findUniqueOrThrow({ where: { id: fx.users.admin.id } })).passwordHash, role: 'INSPECTOR' },
    });
    for (let i = 0; i < 10; i++) expect((await postLogin({ username: 'throttled.user', password: `guess-${i}` })).status).toBe(401);
    const blocked = await postLogin({ username: 'throttled.user', password: FIXTURE_PASSWORD });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(blocked.body.message).toMatch(/too many/);
    // another account from the same address is unaffected
    expect((await postLogin({ username: 'dispatcher.carrier-a', password: FIXTURE_PASSWORD })).status).toBe(200);
  });
});

describe('GET /api/v1/auth/me', () => {
  test('401 without a token, with a forged token, and after the user is deactivated', async () => {
    expect((await me(null)).status).toBe(401);
    expect((await me('eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLWZvcmdlZA')).status).toBe(401);
    const token = await login(server.url, 'operator.b');
    expect((await me(token)).status).toBe(200);
    await server.ctx.db.prisma.appUser.update({ where: { id: fx.users.operatorB.id }, data: { active: false } });
    const after = await me(token);
    expect(after.status).toBe(401);
    await server.ctx.db.prisma.appUser.update({ where: { id: fx.users.operatorB.id }, data: { active: true } });
  });
});

describe('LoginThrottle', () => {
  test('counts failures in a sliding window and forgets them after it', () => {
    let now = 1_000_000;
    const t = new LoginThrottle(3, 60_000, () => now);
    t.fail('k');
    t.fail('k');
    expect(t.retryAfterMs('k')).toBe(0);
    now += 10_000;
    t.fail('k');
    expect(t.retryAfterMs('k')).toBe(50_000); // the first failure leaves the window in 50 s
    expect(t.retryAfterMs('other')).toBe(0);
    now += 50_001;
    expect(t.retryAfterMs('k')).toBe(0);
    t.fail('k');
    t.clear('k');
    expect(t.retryAfterMs('k')).toBe(0);
  });
});
