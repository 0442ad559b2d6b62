// The device's ed25519 key. It is generated on the station at enrolment, lives
// in the agent's data dir with mode 0600, and never leaves it: only the public
// half is sent to the server (POST /api/v1/device/enrol).
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { closeSync, constants, fsyncSync, mkdirSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { EnrolResult, type EnrolInput } from '@haulproof/contracts';
import { generateDeviceKeys, publicKeyToBase64 } from '@haulproof/contracts/signing';

export const KEY_FILE = 'device-key.pem';
export const ENROL_PATH = '/api/v1/device/enrol';

/** The key is missing, unreadable, too widely readable or not an ed25519 private key. */
export class DeviceKeyError extends Error {
  override name = 'DeviceKeyError';
}

export interface DeviceKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** Raw 32-byte public key, base64: what the server stores. */
  publicKeyBase64: string;
  file: string;
}

export function keyPath(dataDir: string): string {
  return path.join(dataDir, KEY_FILE);
}

/**
 * Writes a private key (PKCS#8 PEM) into the data dir, mode 0600, and fsyncs it.
 * Refuses to overwrite an existing key: replacing it would orphan every record
 * signed with the old one, so that takes a deliberate delete by an administrator.
 */
export function storeDeviceKey(dataDir: string, privateKeyPem: string): DeviceKey {
  const key = parsePrivateKey(privateKeyPem, '(new key)');
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = keyPath(dataDir);
  let fd: number;
  try {
    fd = openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new DeviceKeyError(`a device key already exists at ${file}; remove it deliberately before enrolling again`);
    throw new DeviceKeyError(`cannot create ${file}: ${(err as Error).message}`);
  }
  try {
    writeSync(fd, privateKeyPem);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return { ...key, file };
}

/** Generates a new key pair and stores the private half (enrolment, step 1). */
export function generateDeviceKey(dataDir: string): DeviceKey {
  return storeDeviceKey(dataDir, generateDeviceKeys().privateKeyPem);
}

/** Loads the key, with an error that says what to do when it is missing, unreadable or exposed. */
export function loadDeviceKey(dataDir: string): DeviceKey {
  const file = keyPath(dataDir);
  let mode: number;
  try {
    mode = statSync(file).mode;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new DeviceKeyError(`no device key at ${file}; enrol this station first`);
    throw new DeviceKeyError(`cannot read ${file}: ${(err as Error).message}`);
  }
  if ((mode & 0o077) !== 0) {
    throw new DeviceKeyError(`${file} has mode ${(mode & 0o777).toString(8)}; a device key must be readable by its owner only (chmod 600 ${file})`);
  }
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (err) {
    throw new DeviceKeyError(`cannot read ${file}: ${(err as Error).message}`);
  }
  return { ...parsePrivateKey(pem, file), file };
}

function parsePrivateKey(pem: string, file: string): Omit<DeviceKey, 'file'> {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch (err) {
    throw new DeviceKeyError(`${file} is not a PEM private key: ${(err as Error).message}`);
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new DeviceKeyError(`${file} holds a ${privateKey.asymmetricKeyType} key; the device key must be ed25519`);
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, publicKeyBase64: publicKeyToBase64(publicKey) };
}

export interface EnrolOptions {
  serverUrl: string;
  dataDir: string;
  code: string;
  /** One-time enrolment token an administrator got when creating the device. */
  token: string;
  softwareVersion: string;
  fetch?: typeof fetch;
}

/**
 * Enrolment: creates the key if there is none yet (a failed enrolment is retried
 * with the same key), and sends only its public half with the one-time token.
 */
export async function enrolDevice(opts: EnrolOptions): Promise<EnrolResult> {
  let key: DeviceKey;
  try {
    key = loadDeviceKey(opts.dataDir);
  } catch (err) {
    if (!(err instanceof DeviceKeyError) || !err.message.startsWith('no device key')) throw err;
    key = generateDeviceKey(opts.dataDir);
  }
  const input: EnrolInput = { code: opts.code, token: opts.token, publicKey: key.publicKeyBase64, softwareVersion: opts.softwareVersion };
  const res = await (opts.fetch ?? fetch)(new URL(ENROL_PATH, opts.serverUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(input),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`enrolment refused (${res.status}): ${messageOf(text)}`);
  return EnrolResult.parse(JSON.parse(text));
}

function messageOf(text: string): string {
  try {
    const m = (JSON.parse(text) as { message?: unknown }).message;
    if (typeof m === 'string') return m;
  } catch {
    // not JSON
  }
  return text.slice(0, 200);
}
