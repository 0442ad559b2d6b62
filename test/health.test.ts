import { afterAll, beforeAll, expect, test } from 'vitest';
import { startTestServer } from './support/server.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

test('/health answers and /ready reports the database', async () => {
  const health = await fetch(`${server.url}/health`);
  expect(health.status).toBe(200);
  const ready = await fetch(`${server.url}/ready`);
  expect(ready.status).toBe(200);
  expect(await ready.json()).toEqual({ status: 'ready' });
});

test('unknown routes get a 404 with message and correlation id', async () => {
  const res = await fetch(`${server.url}/api/nope`);
  expect(res.status).toBe(404);
  const body = await res.json();
  expect(body.message).toMatch(/no route/);
  expect(body.correlationId).toBe(res.headers.get('x-correlation-id'));
});

test('/ready is 503 once the database is gone', async () => {
  await server.ctx.db.pool.end();
  const ready = await fetch(`${server.url}/ready`);
  expect(ready.status).toBe(503);
});
