// GET /api/v1/device/registry against a small stub server: the request is
// device-signed (GET, empty body) and conditional on the last ETag.
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { deviceRequestMessage, verifyBytes } from '@haulproof/contracts/signing';
import { HttpRegistrySource, REGISTRY_PATH, RegistryFetchError } from './registry-client.js';
import { snapshot } from './test-snapshot.js';

const keys = generateKeyPairSync('ed25519');
let server: Server;
let url: string;
const seen: IncomingMessage[] = [];
let reply: (req: IncomingMessage) => { status: number; body?: string; headers?: Record<string, string> } = () => ({ status: 500 });

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(req);
    const r = reply(req);
    res.writeHead(r.status, { 'content-type': 'application/json', ...r.headers }).end(r.body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((r) => server.close(r)));

const source = () => new HttpRegistrySource({ serverUrl: url, device: { code: 'DEV-TEST', privateKey: keys.privateKey } });

test('a signed GET; 200 with an ETag updates, the ETag goes back as If-None-Match, 304 means unchanged', async () => {
  reply = (req) => (req.headers['if-none-match'] === '"abc"' ? { status: 304 } : { status: 200, body: JSON.stringify(snapshot()), headers: { etag: '"abc"' } });
  const first = await source().fetch(null);
  expect(first).toEqual({ kind: 'updated', snapshot: snapshot(), etag: '"abc"' });
  const auth = /^Haulproof-Device device="DEV-TEST", ts="([^"]+)", sig="([^"]+)"$/.exec(seen[0]!.headers.authorization ?? '')!;
  expect(verifyBytes(keys.publicKey, deviceRequestMessage('GET', REGISTRY_PATH, auth[1]!, Buffer.alloc(0)), Buffer.from(auth[2]!, 'base64'))).toBe(true);
  expect(seen[0]!.headers['if-none-match']).toBeUndefined();
  expect(await source().fetch('"abc"')).toEqual({ kind: 'not-modified' });
  expect(seen[1]!.headers['if-none-match']).toBe('"abc"');
});

test('refusals and malformed snapshots are errors that name the problem', async () => {
  reply = () => ({ status: 403, body: JSON.stringify({ message: 'device DEV-TEST is SUSPENDED; only ACTIVE devices may send' }) });
  await expect(source().fetch(null)).rejects.toThrow(/refused \(403\): device DEV-TEST is SUSPENDED/);
  reply = () => ({ status: 200, body: JSON.stringify({ ...snapshot(), lanes: 'none' }) });
  await expect(source().fetch(null)).rejects.toThrow(RegistryFetchError);
  await expect(source().fetch(null)).rejects.toThrow(/lanes/);
});
