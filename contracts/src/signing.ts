// Node-only helpers for ed25519 signing and the hash chain. The console never imports this.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { canonicalBytes, type CanonicalValue } from './canonical-json.js';

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Raw 32-byte public key, base64: the form stored in station_device.public_key. */
export function publicKeyToBase64(key: KeyObject): string {
  const der = key.export({ format: 'der', type: 'spki' });
  return der.subarray(der.length - 32).toString('base64');
}

const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export function publicKeyFromBase64(raw: string): KeyObject {
  const bytes = Buffer.from(raw, 'base64');
  if (bytes.length !== 32) throw new Error('an ed25519 public key is 32 bytes');
  return createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, bytes]), format: 'der', type: 'spki' });
}

export function generateDeviceKeys(): { privateKeyPem: string; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), publicKey: publicKeyToBase64(publicKey) };
}

export function signBytes(privateKeyPem: string | KeyObject, bytes: Uint8Array): Buffer {
  const key = typeof privateKeyPem === 'string' ? createPrivateKey(privateKeyPem) : privateKeyPem;
  return sign(null, bytes, key);
}

export function verifyBytes(publicKey: KeyObject, bytes: Uint8Array, signature: Uint8Array): boolean {
  try {
    return verify(null, bytes, publicKey, signature);
  } catch {
    return false;
  }
}

/** Builds the wire form of one record: canonical bytes + signature, and its chain hash. */
export function signRecord(privateKey: string | KeyObject, payload: CanonicalValue): { canonical: string; signature: string; hash: string } {
  const bytes = canonicalBytes(payload);
  return {
    canonical: Buffer.from(bytes).toString('base64'),
    signature: signBytes(privateKey, bytes).toString('base64'),
    hash: sha256Hex(bytes),
  };
}

/** Device request authentication: signs method, path, time and body digest. */
export function deviceRequestMessage(method: string, path: string, timestamp: string, body: Uint8Array): Buffer {
  return Buffer.from(`${method.toUpperCase()}\n${path}\n${timestamp}\n${sha256Hex(body)}`, 'utf8');
}

export function deviceAuthHeader(deviceCode: string, privateKey: string | KeyObject, method: string, path: string, body: Uint8Array, now = new Date()): string {
  const ts = now.toISOString();
  const sig = signBytes(privateKey, deviceRequestMessage(method, path, ts, body)).toString('base64');
  return `Haulproof-Device device="${deviceCode}", ts="${ts}", sig="${sig}"`;
}
