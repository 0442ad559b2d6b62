// Deterministic identities for generated cities: the same spec gives the same
// uuids, card UIDs and ed25519 keys, so two databases built from one spec are
// equal row for row (the incremental-versus-full test relies on it).
import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { publicKeyToBase64 } from '@haulproof/contracts/signing';

export class IdSource {
  private n = 0;
  constructor(private readonly seed: number) {}

  /** A v4-shaped uuid from sha256(seed, counter, label). */
  uuid(label = ''): string {
    const h = createHash('sha256').update(`${this.seed}:${this.n++}:${label}`).digest();
    h[6] = (h[6]! & 0x0f) | 0x40;
    h[8] = (h[8]! & 0x3f) | 0x80;
    const x = h.subarray(0, 16).toString('hex');
    return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
  }

  hex(label: string, chars: number): string {
    return createHash('sha256').update(`${this.seed}:hex:${label}`).digest('hex').slice(0, chars);
  }

  /** An ed25519 key pair from a 32-byte seed (RFC 8410 PKCS#8 wrapping of the raw seed). */
  deviceKey(label: string): { privateKey: KeyObject; publicKey: string } {
    const seed = createHash('sha256').update(`${this.seed}:key:${label}`).digest();
    const der = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]);
    const privateKey = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
    return { privateKey, publicKey: publicKeyToBase64(createPublicKey(privateKey)) };
  }
}
