// Where a registry edit's recomputation can reach: the days already stored, and the
// days of the tickets that name a permit (as they stand after corrections and voids).
import type pg from 'pg';
import type { Day } from '../../reconciliation/types.js';

export class RecomputeScopeRepository {
  constructor(private readonly pool: Pick<pg.Pool, 'query'>) {}

  /** Every computed service day, ascending. */
  async storedDays(): Promise<Day[]> {
    const { rows } = await this.pool.query<{ day: string }>(`SELECT to_char(service_day, 'YYYY-MM-DD') AS day FROM recon_day ORDER BY 1`);
    return rows.map((r) => r.day);
  }

  /** Service days (the site's local date) of tickets that name the permit, ascending. */
  async permitTicketDays(permitId: string): Promise<Day[]> {
    // candidates first, from the ticket or a correction naming it, so the view's per-ticket work is done for those only
    const { rows } = await this.pool.query<{ day: string }>(
      `SELECT DISTINCT to_char(te.weighed_at AT TIME ZONE s.timezone, 'YYYY-MM-DD') AS day
         FROM ticket_effective te JOIN site s ON s.id = te.site_id
        WHERE te.id IN (SELECT id FROM ticket WHERE permit_id = $1
                        UNION SELECT ticket_id FROM ticket_event WHERE kind = 'CORRECTION' AND changes->>'permitId' = $1::text)
          AND te.permit_id = $1 AND NOT te.voided
        ORDER BY 1`,
      [permitId],
    );
    return rows.map((r) => r.day);
  }
}
