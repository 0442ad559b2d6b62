import { randomBytes } from 'node:crypto';
import type { LoginInput, LoginResult, SessionUser } from '@haulproof/contracts';
import { AppError, unauthorized } from '../http/errors.js';
import type { AppUserRepository, UserRow } from '../repositories/registry/app-user.repository.js';
import { hashPassword, verifyPassword } from './passwords.js';
import type { Principal } from './principal.js';
import type { TokenService } from './tokens.js';

// One message for an unknown user, a wrong password and a disabled account: the response must
// not tell an attacker which usernames exist.
const BAD_CREDENTIALS = 'wrong username or password';

/**
 * Failed logins per username + address in a sliding window. In memory: one server process,
 * and a restart forgetting the count is acceptable for a throttle (it is not a lockout record).
 */
export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();
  constructor(
    private readonly maxFailures = 10,
    private readonly windowMs = 15 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Milliseconds until the next attempt is allowed; 0 when it is allowed now. */
  retryAfterMs(key: string): number {
    const recent = this.recent(key);
    return recent.length < this.maxFailures ? 0 : recent[0]! + this.windowMs - this.now();
  }

  fail(key: string): void {
    this.failures.set(key, [...this.recent(key), this.now()]);
    if (this.failures.size > 10_000) for (const k of this.failures.keys()) if (this.recent(k).length === 0) this.failures.delete(k);
  }

  clear(key: string): void {
    this.failures.delete(key);
  }

  private recent(key: string): number[] {
    const since = this.now() - this.windowMs;
    return (this.failures.get(key) ?? []).filter((t) => t > since);
  }
}

export function sessionUser(u: UserRow): SessionUser {
  return { id: u.id, username: u.username, displayName: u.displayName, role: u.role, scope: { siteId: u.scopeSiteId, carrierId: u.scopeCarrierId, districtId: u.scopeDistrictId } };
}

export class AuthService {
  private dummyHash: Promise<string> | undefined;

  constructor(
    private readonly users: AppUserRepository,
    private readonly tokens: TokenService,
    private readonly throttle: LoginThrottle,
  ) {}

  async login(input: LoginInput, remoteAddr: string): Promise<LoginResult> {
    const key = `${input.username.toLowerCase()}\u0000${remoteAddr}`;
    const wait = this.throttle.retryAfterMs(key);
    if (wait > 0) {
      const retryAfterS = Math.ceil(wait / 1000);
      throw new AppError(429, `too many failed logins; try again in ${Math.ceil(retryAfterS / 60)} min`, undefined, { retryAfterS });
    }
    const user = await this.users.findForLogin(input.username);
    // An unknown user still costs one scrypt, so response time does not reveal which names exist.
    const ok = user
      ? await verifyPassword(input.password, user.passwordHash).catch(() => false) // a malformed stored hash is a failed login, not a 500
      : await verifyPassword(input.password, await this.dummy()).then(() => false);
    if (!user || !ok || !user.active) {
      this.throttle.fail(key);
      throw unauthorized(BAD_CREDENTIALS);
    }
    this.throttle.clear(key);
    const { passwordHash: _hash, ...row } = user;
    return { token: await this.tokens.issue({ userId: user.id, username: user.username }), user: sessionUser(row) };
  }

  async me(p: Principal): Promise<SessionUser> {
    const u = await this.users.find(p.userId);
    if (!u || !u.active) throw unauthorized('session expired or user disabled; log in again');
    return sessionUser(u);
  }

  private dummy(): Promise<string> {
    this.dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
    return this.dummyHash;
  }
}
