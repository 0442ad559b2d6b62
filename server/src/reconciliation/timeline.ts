// Each vehicle's weighings in order. Custody rests on one rule: a load that left
// a site is delivered by the SAME vehicle's NEXT weighing, so "next" and
// "previous" must be one well-defined order: weighing time, then ticket id.
import type { ReconTicket } from './types.js';

export const byTime = (a: ReconTicket, b: ReconTicket): number => a.weighedAt - b.weighedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export class VehicleTimelines {
  private readonly byVehicle = new Map<string, ReconTicket[]>();
  private readonly position = new Map<string, number>();

  constructor(tickets: readonly ReconTicket[]) {
    for (const t of tickets) {
      let list = this.byVehicle.get(t.vehicleId);
      if (!list) this.byVehicle.set(t.vehicleId, (list = []));
      list.push(t);
    }
    for (const list of this.byVehicle.values()) {
      list.sort(byTime);
      list.forEach((t, i) => this.position.set(t.id, i));
    }
  }

  next(t: ReconTicket): ReconTicket | null {
    const i = this.position.get(t.id);
    return i === undefined ? null : (this.byVehicle.get(t.vehicleId)![i + 1] ?? null);
  }

  previous(t: ReconTicket): ReconTicket | null {
    const i = this.position.get(t.id);
    return i === undefined || i === 0 ? null : this.byVehicle.get(t.vehicleId)![i - 1]!;
  }
}
