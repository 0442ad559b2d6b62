import { afterAll, beforeAll, expect, test } from 'vitest';
import { createApp } from '../server/src/http/app.js';
import { mountedRoutes } from './support/routes.js';
import { startTestServer } from './support/server.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
let doc: any;
beforeAll(async () => {
  server = await startTestServer();
  const res = await fetch(`${server.url}/api/v1/openapi.json`);
  expect(res.status).toBe(200);
  doc = await res.json();
});
afterAll(async () => {
  await server.close();
});

test('the OpenAPI document is served without a session and is 3.1', () => {
  expect(doc.openapi).toBe('3.1.0');
  expect(doc.components.securitySchemes).toHaveProperty('bearer');
  expect(doc.components.securitySchemes).toHaveProperty('device');
});

test('it documents exactly the mounted routes', () => {
  const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`));
  const mounted = mountedRoutes(createApp(server.ctx));
  expect([...documented].sort()).toEqual([...mounted].sort());
});

test('request bodies carry the shared zod schemas', () => {
  const ingest = doc.paths['/api/v1/ingest/records'].post.requestBody.content['application/json'].schema;
  expect(ingest.properties.records.maxItems).toBe(500);
  const vehicle = doc.paths['/api/v1/vehicles'].post.requestBody.content['application/json'].schema;
  expect(vehicle.required).toEqual(expect.arrayContaining(['plate', 'carrierId', 'streams', 'maxGrossKg']));
  const params = doc.paths['/api/v1/tickets'].get.parameters.map((p: { name: string }) => p.name);
  expect(params).toEqual(expect.arrayContaining(['siteId', 'districtId', 'stream', 'vehicleId', 'from', 'to', 'provenance', 'cursor', 'limit']));
});
