import pg from 'pg';
import type { RunningServer } from '../../server/src/server.js';

/** Creates a user row directly and returns a session token for it (no login round trip). */
export async function userToken(
  server: RunningServer & { databaseUrl: string },
  u: { username: string; role: 'ADMIN' | 'OPERATOR' | 'DISPATCHER' | 'INSPECTOR'; siteId?: string; carrierId?: string; districtId?: string },
): Promise<string> {
  const c = new pg.Client({ connectionString: server.databaseUrl });
  await c.connect();
  try {
    const { rows } = await c.query<{ id: string }>(
      `INSERT INTO app_user (username, display_name, password_hash, role, scope_site_id, scope_carrier_id, scope_district_id)
       VALUES ($1, $1, 'scrypt$unusable', $2, $3, $4, $5) RETURNING id`,
      [u.username, u.role, u.siteId ?? null, u.carrierId ?? null, u.districtId ?? null],
    );
    return server.ctx.tokens.issue({ userId: rows[0]!.id, username: u.username });
  } finally {
    await c.end();
  }
}

export function api(baseUrl: string, token: string) {
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(baseUrl + path, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  return { get: (p: string) => call('GET', p), post: (p: string, b?: unknown) => call('POST', p, b), patch: (p: string, b: unknown) => call('PATCH', p, b) };
}
