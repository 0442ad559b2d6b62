// The station events of the days being recomputed, read once per run: consecutive days share
// two of their three window days (engine.ts TicketWindow does the same for tickets). Days the
// run has moved past are dropped.
import { addDays, daysBetween } from './calendar.js';
import type { ReconStationEvent } from './station-events.js';
import type { Day } from './types.js';

export class StationEventWindow {
  private readonly byDay = new Map<Day, ReconStationEvent[]>();
  constructor(private readonly read: (from: Day, to: Day) => Promise<ReconStationEvent[]>) {}

  /** Events of day − 1, day and day + 1. */
  async around(day: Day): Promise<ReconStationEvent[]> {
    for (const d of [...this.byDay.keys()]) if (d < addDays(day, -1)) this.byDay.delete(d);
    const wanted = [addDays(day, -1), day, addDays(day, 1)];
    const missing = wanted.filter((d) => !this.byDay.has(d));
    if (missing.length > 0) {
      const span = daysBetween(missing[0]!, missing[missing.length - 1]!);
      for (const d of span) this.byDay.set(d, []);
      for (const e of await this.read(span[0]!, span[span.length - 1]!)) this.byDay.get(e.serviceDay)?.push(e);
    }
    return wanted.flatMap((d) => this.byDay.get(d) ?? []);
  }
}
