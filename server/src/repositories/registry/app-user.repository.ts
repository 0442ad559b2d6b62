import type { Page } from '@haulproof/contracts';
import type { AppUser, Prisma, PrismaClient, UserRole } from '../../generated/prisma/client.js';
import { guard } from './db-errors.js';
import { afterCursor, takeOneMore, toPage, type PageRequest } from './paging.js';

// The password hash is read only for login (findForLogin) and never returned otherwise.
const omit = { passwordHash: true } satisfies Prisma.AppUserOmit;
export type UserRow = Omit<AppUser, 'passwordHash'>;

export interface UserData {
  displayName: string;
  role: UserRole;
  scopeSiteId: string | null;
  scopeCarrierId: string | null;
  scopeDistrictId: string | null;
  active: boolean;
}

export class AppUserRepository {
  constructor(private readonly db: PrismaClient) {}

  async list(page: PageRequest): Promise<Page<UserRow>> {
    return toPage(await this.db.appUser.findMany({ where: afterCursor(page), omit, ...takeOneMore(page) }), page);
  }

  find(id: string): Promise<UserRow | null> {
    return this.db.appUser.findUnique({ where: { id }, omit });
  }

  findForLogin(username: string): Promise<AppUser | null> {
    return guard('user', this.db.appUser.findUnique({ where: { username } }));
  }

  async usernameTaken(username: string): Promise<boolean> {
    return (await this.db.appUser.count({ where: { username } })) > 0;
  }

  countActiveAdmins(): Promise<number> {
    return this.db.appUser.count({ where: { role: 'ADMIN', active: true } });
  }

  create(data: UserData & { username: string; passwordHash: string }): Promise<UserRow> {
    return guard('user', this.db.appUser.create({ data, omit }));
  }

  update(id: string, data: UserData & { passwordHash?: string }): Promise<UserRow> {
    return guard('user', this.db.appUser.update({ where: { id }, data, omit }));
  }
}
