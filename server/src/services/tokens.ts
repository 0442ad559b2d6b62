import { jwtVerify, SignJWT } from 'jose';
import type { Principal } from './principal.js';

/** Signs and checks session tokens (HS256 JWT). The claims carry only the user id; scope is reloaded per request. */
export class TokenService {
  private readonly key: Uint8Array;
  constructor(secret: string, private readonly ttlHours: number) {
    this.key = new TextEncoder().encode(secret);
  }

  async issue(p: Pick<Principal, 'userId' | 'username'>): Promise<string> {
    return new SignJWT({ name: p.username })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(p.userId)
      .setIssuedAt()
      .setIssuer('haulproof')
      .setExpirationTime(`${this.ttlHours}h`)
      .sign(this.key);
  }

  /** The user id, or null for any token that is not ours and current. */
  async verify(token: string): Promise<string | null> {
    try {
      const { payload } = await jwtVerify(token, this.key, { issuer: 'haulproof', algorithms: ['HS256'] });
      return typeof payload.sub === 'string' ? payload.sub : null;
    } catch {
      return null;
    }
  }
}
