// The demo's station device keys, made when the city is seeded and kept in the
// data folder (devices/<code>.key): the seed registers their public halves, and
// each station agent gets a copy in its own folder (stations.ts).
import { createPrivateKey, createPublicKey, randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { generateDeviceKeys, publicKeyToBase64 } from '@haulproof/contracts/signing';

export const devicesDir = (dataDir: string) => path.join(dataDir, 'devices');
export const keyFile = (dataDir: string, code: string) => path.join(devicesDir(dataDir), `${code}.key`);

/** Writes to a temporary file, flushes it to disk, then renames it over the target: readers see the old or the new file, never half of one. */
export async function writeFileAtomic(file: string, data: string, mode = 0o600): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await open(tmp, 'wx', mode);
  try {
    await handle.writeFile(data, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

export interface DeviceKey {
  privateKeyPem: string;
  publicKey: string; // raw ed25519, base64, as station_device.public_key holds it
}

async function readKeyFile(file: string): Promise<DeviceKey | null> {
  let pem: string;
  try {
    pem = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  await chmod(file, 0o600); // a private key readable by others is a leaked key
  return { privateKeyPem: pem, publicKey: publicKeyToBase64(createPublicKey(createPrivateKey(pem))) };
}

/** The device's key from the data folder. */
export function readDeviceKey(dataDir: string, code: string): Promise<DeviceKey | null> {
  return readKeyFile(keyFile(dataDir, code));
}

/** The device's key from the data folder, generated (mode 0600) on first use. */
export async function loadOrCreateDeviceKey(dataDir: string, code: string): Promise<DeviceKey & { created: boolean }> {
  const existing = await readDeviceKey(dataDir, code);
  if (existing) return { ...existing, created: false };
  const keys = generateDeviceKeys();
  await writeFileAtomic(keyFile(dataDir, code), keys.privateKeyPem, 0o600);
  return { ...keys, created: true };
}
