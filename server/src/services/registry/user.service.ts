import { UserInput, type Page, type PageQuery, type UserUpdate } from '@haulproof/contracts';
import { conflict } from '../../http/errors.js';
import type { AppUserRepository, UserData, UserRow } from '../../repositories/registry/app-user.repository.js';
import { hashPassword } from '../passwords.js';
import { found, patched } from './common.js';

// Stands in for the unchanged password when a PATCH without one is validated as a whole.
const KEEP_PASSWORD = 'unchanged-password-placeholder';

/**
 * People and their role and scope. Admin only (enforced at the route). Users are deactivated,
 * not deleted: ticket and card history name them as actors.
 */
export class UserService {
  constructor(private readonly users: AppUserRepository) {}

  list(q: PageQuery): Promise<Page<UserRow>> {
    return this.users.list(q);
  }

  async get(id: string): Promise<UserRow> {
    return found(await this.users.find(id), 'user', id);
  }

  async create(input: UserInput): Promise<UserRow> {
    if (await this.users.usernameTaken(input.username)) throw conflict(`username ${input.username} is taken`);
    return this.users.create({ ...toData(input), username: input.username, passwordHash: await hashPassword(input.password) });
  }

  async update(id: string, patch: UserUpdate): Promise<UserRow> {
    const cur = await this.get(id);
    const current: UserInput = {
      username: cur.username,
      displayName: cur.displayName,
      password: KEEP_PASSWORD,
      role: cur.role,
      scopeSiteId: cur.scopeSiteId,
      scopeCarrierId: cur.scopeCarrierId,
      scopeDistrictId: cur.scopeDistrictId,
      active: cur.active,
    };
    const next = toData(patched(UserInput, current, patch, 'user'));
    const stillAdmin = next.role === 'ADMIN' && next.active;
    if (cur.role === 'ADMIN' && cur.active && !stillAdmin && (await this.users.countActiveAdmins()) <= 1) {
      throw conflict('this is the last active admin; make another admin first');
    }
    return this.users.update(id, { ...next, ...(patch.password === undefined ? {} : { passwordHash: await hashPassword(patch.password) }) });
  }
}

function toData(u: UserInput): UserData {
  return { displayName: u.displayName, role: u.role, scopeSiteId: u.scopeSiteId ?? null, scopeCarrierId: u.scopeCarrierId ?? null, scopeDistrictId: u.scopeDistrictId ?? null, active: u.active };
}
