// Station events in a generated month, worded as the agents sign them (station-agent
// weighing/refusals.ts, lane.ts), and the faults made of them:
//   noise (spec.refusals) — what a clean month has and must raise nothing on: an unknown card
//       refused at the lane; a deck that had not returned to zero, refused, the truck driven off
//       and on again and then weighed clean (its ticket carries no flag).
//   SCALE_TAMPERING — a route load weighed while the weight jumped inside the stable window (the
//       event names the ticket), or, alternately, over a deck that had not returned to zero and
//       let through by the operator (refusal and override precede the ticket, which carries the
//       flag, as the agent writes them) → SCALE_INTEGRITY.
//   CARD_CLONE — a route truck's card presented at the other lane while it was being weighed,
//       once, or alternately twice → CARD_DUPLICATE_USE.
//   DOUBLE_WEIGHING — a food-service load weighed again and never voided: 15–25 min later with
//       the agent's repeat refusal overridden, or, alternately, 3–6 min later with no event (the
//       agent restarted and lost its memory of the first) → REPEATED_WEIGHING.
//   INDICATOR_FAULT — indicator frames stop and come back with bad checksums (alternately also
//       quarantined journal records) → no finding; the report-quality score counts them.
// Randomness has its own stream, so the traffic and the other faults are the same with or without these.
import { between, pick, type Rand } from '../../demo/random.js';
import type { ScenarioCity, ScenarioVehicle } from './city.js';
import type { FaultTarget, InjectedFault } from './faults.js';
import type { IdSource } from './ids.js';
import type { LaneEvent, SignItem } from './records.js';
import { completedAt, MIN, type Weighing } from './weighing.js';

export const LANE_FAULT_KINDS = ['SCALE_TAMPERING', 'CARD_CLONE', 'DOUBLE_WEIGHING', 'INDICATOR_FAULT'] as const;
export type LaneFaultKind = (typeof LANE_FAULT_KINDS)[number];
export const isLaneFault = (k: string): k is LaneFaultKind => (LANE_FAULT_KINDS as readonly string[]).includes(k);

type Emit = (at: number, w: Weighing | null, e: Omit<LaneEvent, 'id' | 'siteId'> & { siteId?: string }) => void;
const NO_ZERO = '磅面未回零，请下磅后重新上磅 / the scale did not return to zero: drive off and on again';

export class LaneEvents {
  private readonly vehicle: (id: string) => ScenarioVehicle;
  private readonly lanes: (siteId: string) => string[];
  private noise = 0;

  constructor(
    private readonly targets: readonly FaultTarget[],
    city: ScenarioCity,
    private readonly ids: IdSource,
    private readonly rand: Rand,
    private readonly refusals: { total: number; days: number },
  ) {
    const vehicles = new Map(city.vehicles.map((v) => [v.id, v]));
    const sites = new Map(city.sites.map((s) => [s.id, s.scales.map((x) => x.code)]));
    this.vehicle = (id) => vehicles.get(id)!;
    this.lanes = (id) => sites.get(id)!;
  }

  /** The day's station events; repeated weighings are added to `weighings`. */
  apply(day: string, index: number, weighings: Weighing[]): { items: SignItem[]; faults: InjectedFault[] } {
    const items: SignItem[] = [];
    const emit: Emit = (at, w, e) => items.push({ at, kind: 'event', e: { id: this.ids.uuid('station-event'), siteId: e.siteId ?? w!.siteId, ...e } as LaneEvent });
    const faults = this.targets.filter((t) => t.day === day && isLaneFault(t.kind)).map((t) => this.fault(t as Extract<FaultTarget, { kind: LaneFaultKind }>, weighings, emit));
    const due = Math.floor((this.refusals.total * (index + 1)) / this.refusals.days) - Math.floor((this.refusals.total * index) / this.refusals.days);
    const plain = weighings.filter((w) => w.voidAt === undefined && !w.flags.some((f) => f === 'NO_ZERO_RETURN' || f === 'WEIGHT_JUMP' || f === 'REPEAT_WEIGHING'));
    for (let i = 0; i < due && plain.length > 0; i++) {
      const w = pick(this.rand, plain);
      const v = this.vehicle(w.vehicleId);
      if (this.noise++ % 2 === 0) {
        const card = this.ids.hex(`unknown-card-${this.noise}`, 8);
        emit(w.firstAt - 4 * MIN, w, { type: 'REFUSED_AT_LANE', lane: w.lane, plate: null, card, message: '未登记的卡 / unknown card', details: { reason: 'UNKNOWN_CARD', card }, ticketOf: null });
      } else {
        emit(w.firstAt - 2 * MIN, w, { type: 'NO_ZERO_RETURN', lane: w.lane, plate: v.plate, card: v.cardUid, message: NO_ZERO, details: { reason: 'NO_ZERO_RETURN', lastKg: between(this.rand, 200, 600) }, ticketOf: null });
      }
    }
    return { items, faults };
  }

  private fault(t: Extract<FaultTarget, { kind: LaneFaultKind }>, weighings: Weighing[], emit: Emit): InjectedFault {
    const alt = t.variant % 2 === 1;
    const routeLoads = weighings.filter((w) => w.routeId !== null && w.direction === 'IN' && w.voidAt === undefined && !w.correction && this.lanes(w.siteId).length >= 2);
    const choose = (from: Weighing[]) => {
      if (from.length === 0) throw new Error(`scenario: no weighing on ${t.day} to put a ${t.kind} fault on; try another seed`);
      return pick(this.rand, from);
    };
    const fault = (description: string, expectedKeys: string[], ticketIds: string[]): InjectedFault => ({ kind: t.kind, day: t.day, description, expectedKeys, ticketIds });
    switch (t.kind) {
      case 'SCALE_TAMPERING': {
        const w = choose(routeLoads);
        const v = this.vehicle(w.vehicleId);
        if (!alt) {
          const jumpKg = between(this.rand, 160, 400);
          w.flags.push('WEIGHT_JUMP');
          emit(completedAt(w) + 1_000, w, { type: 'WEIGHT_JUMP', lane: w.lane, plate: v.plate, card: v.cardUid, message: `稳定窗口内重量跳变 ${jumpKg} kg / weight jumped ${jumpKg} kg inside a stable window`, details: { fromKg: w.grossKg - jumpKg, toKg: w.grossKg, jumpKg, windowMs: 2_000 }, ticketOf: w.id });
        } else {
          const lastKg = between(this.rand, 300, 900);
          w.flags.push('NO_ZERO_RETURN');
          const facts = { lane: w.lane, plate: v.plate, card: v.cardUid, details: { reason: 'NO_ZERO_RETURN', lastKg }, ticketOf: null };
          emit(w.firstAt - 3 * MIN, w, { type: 'NO_ZERO_RETURN', message: NO_ZERO, ...facts });
          emit(w.firstAt - 2 * MIN, w, { type: 'NO_ZERO_RETURN', message: '操作员放行 / operator override: 已确认磅面 / deck checked', ...facts });
        }
        return fault(`${v.plate} weighed at lane ${w.lane} while the scale ${alt ? 'had not returned to zero' : 'jumped'}`, [`SCALE_INTEGRITY:${w.id}`], [w.id]);
      }
      case 'CARD_CLONE': {
        const w = choose(routeLoads);
        const v = this.vehicle(w.vehicleId);
        const other = this.lanes(w.siteId).find((l) => l !== w.lane)!;
        for (const at of alt ? [w.firstAt - 2 * MIN, w.firstAt - MIN] : [w.firstAt - MIN]) {
          emit(at, w, { type: 'CARD_AT_TWO_LANES', lane: other, plate: v.plate, card: v.cardUid, message: `此卡/车辆正在 ${w.lane} 道称重 / card or vehicle already in use at lane ${w.lane}`, details: { reason: 'CARD_AT_TWO_LANES', otherLane: w.lane }, ticketOf: null });
        }
        return fault(`${v.plate}'s card presented at lane ${other} while weighing at ${w.lane}`, [`CARD_DUPLICATE_USE:${v.cardUid}:${t.day}`], [w.id]);
      }
      case 'DOUBLE_WEIGHING': {
        const w = choose(weighings.filter((x) => x.stream === 'FOOD_SERVICE' && x.voidAt === undefined));
        const v = this.vehicle(w.vehicleId);
        const gap = alt ? between(this.rand, 3, 6, 1) : between(this.rand, 15, 25, 1);
        const firstAt = completedAt(w) + gap * MIN;
        const dup: Weighing = { ...w, id: this.ids.uuid('ticket'), firstAt, secondAt: w.secondAt === null ? null : firstAt + (w.secondAt - w.firstAt), flags: alt ? [...w.flags] : [...w.flags, 'REPEAT_WEIGHING'] };
        weighings.push(dup);
        if (!alt) {
          const minutesSinceLast = gap - 1; // the agent counts from the last ticket to the card, a minute before the pass
          const facts = { lane: dup.lane, plate: v.plate, card: v.cardUid, details: { reason: 'REPEAT_WEIGHING', minutesSinceLast }, ticketOf: null };
          emit(firstAt - MIN, w, { type: 'REPEAT_WEIGHING', message: `${minutesSinceLast} 分钟内重复过磅，需操作员确认 / weighed again within ${minutesSinceLast} min: operator must confirm`, ...facts });
          emit(firstAt - 30_000, w, { type: 'REPEAT_WEIGHING', message: '操作员放行 / operator override: 司机称二次装车 / driver says a second load', ...facts });
        }
        return fault(`${v.plate}'s food-service load weighed again ${gap} min later and never voided`, [`REPEATED_WEIGHING:${dup.id}`], [w.id, dup.id]);
      }
      case 'INDICATOR_FAULT': {
        const w = choose(weighings.filter((x) => x.voidAt === undefined));
        const lane = this.lanes(w.siteId)[0]!;
        emit(w.firstAt - 30 * MIN, w, { type: 'FRAME_RATE_FAULT', lane, plate: null, card: null, message: '称重仪表故障 / indicator fault: no frames for 5 s', details: { cause: 'SILENT', detail: 'no frames for 5 s' }, ticketOf: null });
        emit(w.firstAt - 29 * MIN, w, { type: 'CHECKSUM_FAULTS', lane, plate: null, card: null, message: '仪表数据校验错误 / indicator frames with bad checksums: 7', details: { frames: 7 }, ticketOf: null });
        if (alt) emit(w.firstAt - 28 * MIN, w, { type: 'JOURNAL_QUARANTINE', lane: null, plate: null, card: null, message: '日志损坏记录已隔离 / damaged journal records set aside: 2', details: { records: 2 }, ticketOf: null });
        return fault(`lane ${lane}'s indicator faulted at the site of ${w.id}`, [], []);
      }
    }
  }
}
