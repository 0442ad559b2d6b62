import { chmodSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync } from 'node:crypto';
import { afterEach, expect, test } from 'vitest';
import { generateDeviceKeys } from '@haulproof/contracts/signing';
import { tempDir } from './journal/test-fixtures.js';
import { DeviceKeyError, enrolDevice, generateDeviceKey, keyPath, loadDeviceKey, storeDeviceKey } from './keys.js';

let cleanup: (() => void)[] = [];
afterEach(() => {
  cleanup.forEach((c) => c());
  cleanup = [];
});
const dir = () => {
  const t = tempDir('haulproof-keys-');
  cleanup.push(t.remove);
  return t.dir;
};

test('a generated key is stored with mode 0600 and loads back', () => {
  const d = dir();
  const made = generateDeviceKey(d);
  expect(statSync(keyPath(d)).mode & 0o777).toBe(0o600);
  const loaded = loadDeviceKey(d);
  expect(loaded.publicKeyBase64).toBe(made.publicKeyBase64);
  expect(loaded.publicKeyBase64).toMatch(/^[A-Za-z0-9+/]{43}=$/);
});

test('an existing key is never overwritten', () => {
  const d = dir();
  const first = generateDeviceKey(d);
  expect(() => generateDeviceKey(d)).toThrow(/already exists/);
  expect(loadDeviceKey(d).publicKeyBase64).toBe(first.publicKeyBase64);
});

test('a missing, exposed, garbled or non-ed25519 key fails with an error that says what to do', () => {
  const d = dir();
  expect(() => loadDeviceKey(d)).toThrow(new DeviceKeyError(`no device key at ${keyPath(d)}; enrol this station first`));
  storeDeviceKey(d, generateDeviceKeys().privateKeyPem);
  chmodSync(keyPath(d), 0o644);
  expect(() => loadDeviceKey(d)).toThrow(/has mode 644; a device key must be readable by its owner only \(chmod 600/);
  writeFileSync(keyPath(d), 'not a key', { mode: 0o600 });
  chmodSync(keyPath(d), 0o600);
  expect(() => loadDeviceKey(d)).toThrow(/is not a PEM private key/);
  const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  writeFileSync(keyPath(d), rsa);
  expect(() => loadDeviceKey(d)).toThrow(/holds a rsa key; the device key must be ed25519/);
});

test('enrolment creates the key and sends only its public half', async () => {
  const d = dir();
  let body: Record<string, unknown> = {};
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => {
      body = JSON.parse(text) as Record<string, unknown>;
      res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ deviceId: 'd1', code: body.code, siteCode: 'TS-1', status: 'ACTIVE' }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanup.push(() => server.close());
  const result = await enrolDevice({ serverUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, dataDir: d, code: 'DEV-01', token: 'one-time-token-123456', softwareVersion: 'agent 0.1.0' });
  expect(result).toEqual({ deviceId: 'd1', code: 'DEV-01', siteCode: 'TS-1', status: 'ACTIVE' });
  expect(body).toEqual({ code: 'DEV-01', token: 'one-time-token-123456', publicKey: loadDeviceKey(d).publicKeyBase64, softwareVersion: 'agent 0.1.0' });
  expect(JSON.stringify(body)).not.toMatch(/PRIVATE/);
});
