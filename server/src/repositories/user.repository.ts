import type { PrismaClient } from '../generated/prisma/client.js';
import type { Principal } from '../services/principal.js';

export class UserRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async findPrincipal(userId: string): Promise<Principal | null> {
    const u = await this.prisma.appUser.findUnique({ where: { id: userId } });
    if (!u || !u.active) return null;
    return { userId: u.id, username: u.username, role: u.role, siteId: u.scopeSiteId, carrierId: u.scopeCarrierId, districtId: u.scopeDistrictId };
  }

  findByUsername(username: string) {
    return this.prisma.appUser.findUnique({ where: { username } });
  }
}
