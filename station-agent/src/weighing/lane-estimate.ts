/**
 * 估重 at the lane: when the scale cannot weigh, trucks still tip, and the operator records each
 * load with an estimate the agent computes (estimate.ts). Allowed only while the lane shows the
 * scale unusable: its indicator faulted or fell silent (FAULT, cause scale/frames), or an
 * operator took the scale out of service (calibration 检定, repair). The ticket is signed like
 * any other and carries its basis; a station event records who asked and why.
 */
import { EventBody, normalisePlate, TicketBody, type ScaleUnusable } from '@haulproof/contracts';
import { estimateLoad, estimateRequestProblem, type EstimateRequest } from './estimate.js';
import { identify, selectStreamFor } from './identify.js';
import { no, ok, type LaneCore, type LaneResult } from './lane-core.js';
import { faultMessage } from './lane-messages.js';
import { ticketContext } from './passes.js';
import { estimatedTicket } from './ticket-body.js';

const HISTORY = 200; // of the vehicle's newest tickets (any stream) the sample is drawn from

/** Why the lane cannot weigh now, or null when it can (and must). */
function scaleUnusable(lane: LaneCore): ScaleUnusable | null {
  if (lane.state !== 'FAULT') return null;
  if (lane.fault?.cause === 'out-of-service') return 'OUT_OF_SERVICE';
  if (lane.fault?.cause === 'scale' || lane.fault?.cause === 'frames') return 'FAULT';
  return null; // a journal fault: nothing can be recorded at all
}

/** Stops weighing on this lane until returnToService, whatever the indicator sends: calibration, repair. */
export function takeOutOfService(lane: LaneCore, operator: string, reason: string): LaneResult {
  if (!operator.trim() || reason.trim().length < 3) return no('停用磅秤需要操作员和原因 / taking the scale out of service needs an operator and a reason');
  if (lane.outOfService) return no('磅秤已停用 / the scale is already out of service');
  if (lane.session || (lane.state !== 'IDLE' && lane.state !== 'FAULT' && lane.state !== 'REFUSED')) return no('称重进行中，不能停用 / a weighing is in progress: finish it first');
  if (lane.fault?.cause === 'journal' || !lane.journalWritable()) return no(lane.message ?? 'journal fault');
  const details = { outOfService: true, operator: operator.trim(), reason: reason.trim() };
  if (!lane.journalEvent('SCALE_OUT_OF_SERVICE', `磅秤停用 / scale out of service: ${reason.trim()}`, { plate: null, card: null, ticketSeq: null, details })) return no(lane.message ?? 'journal fault');
  lane.outOfService = { operator: operator.trim(), reason: reason.trim(), since: lane.deps.clock() };
  lane.detector.clearWindow();
  lane.enterFault({ cause: 'out-of-service', alarm: `lane.${lane.code}.out-of-service` }, faultMessage('out-of-service', reason.trim()));
  return ok(lane.message ?? '');
}

export function returnToService(lane: LaneCore, operator: string): LaneResult {
  const oos = lane.outOfService;
  if (!oos) return no('磅秤未停用 / the scale is not out of service');
  if (!operator.trim()) return no('恢复使用需要操作员 / returning the scale to service needs an operator');
  const details = { outOfService: false, operator: operator.trim(), reason: oos.reason, minutesOut: Math.round((lane.deps.clock() - oos.since) / 60_000) };
  if (!lane.journalEvent('SCALE_OUT_OF_SERVICE', `磅秤恢复使用 / scale back in service (${oos.reason})`, { plate: null, card: null, ticketSeq: null, details })) return no(lane.message ?? 'journal fault');
  lane.outOfService = null;
  if (lane.fault?.cause !== 'out-of-service') return ok(lane.message ?? ''); // another fault (the journal's) still holds the lane
  lane.clearFault();
  // stability and zero must be proven again from fresh frames; a missing indicator faults at once
  if (!lane.scaleConnected) lane.faultScale('scale', 'disconnected');
  return ok(lane.message ?? '');
}

export function estimateWeight(lane: LaneCore, e: EstimateRequest): LaneResult {
  if (lane.fault?.cause === 'journal' || lane.fault?.cause === 'journal-unavailable') return no(lane.message ?? 'journal fault');
  const scale = scaleUnusable(lane);
  if (!scale) return no('磅秤可用，请正常过磅；仅在仪表故障或磅秤停用时可估重 / the scale can weigh: weigh the vehicle (estimates only while the indicator is faulted or the scale is out of service)');
  const problem = estimateRequestProblem(e);
  if (problem) return no(problem);
  if (!lane.journalWritable()) return no(lane.message ?? '');
  const plate = normalisePlate(e.plate);
  // as for a keyed entry: an operator-and-supervisor decision, so a repeat is flagged, not
  // refused, and the deck's zero return does not apply (nothing is weighed)
  const check = lane.guard(() => identify({ ...lane.identifyContext(), returnedToZero: true }, { plate }, new Set(['REPEAT_WEIGHING'])));
  if (!check) return no(lane.message ?? 'journal fault');
  const facts = (details: EventBody['details'], ticketSeq: number | null = null) => ({ plate, card: null, ticketSeq, details });
  if (!check.ok) {
    lane.journalEvent(check.refusal.event, check.refusal.message, facts({ ...check.refusal.details, estimated: true }));
    return no(check.refusal.message);
  }
  const s = check.value;
  // an estimate is one whole record; half a weighing cannot be completed with a guess
  if (s.open) return no(`${plate} 有未完成的一次过磅，请手工录入二次过磅或作废 / ${plate} has an open first pass: key its second pass in, or void it`);
  s.operator = e.operator.trim();
  if (e.stream) {
    const chosen = selectStreamFor(lane.deps.registry, s, e.stream, lane.deps.clock());
    if (!chosen.ok) return no(chosen.refusal.message);
    Object.assign(s, chosen.value);
  }
  const stream = s.stream;
  if (!stream) return no('请选择垃圾类别 / choose the waste stream');
  const direction = e.direction ?? lane.policy.storedTareDirection;
  const at = lane.deps.clock();
  const history = lane.guard(() => lane.deps.journal.recentTicketsFor(plate, HISTORY));
  if (!history) return no(lane.message ?? 'journal fault');
  const policy = { samples: lane.policy.estimateSamples, minSamples: lane.policy.estimateMinSamples, ratedLoadShare: lane.policy.estimateRatedLoadShare };
  const estimate = estimateLoad(history, { site: s.site.code, stream, direction, vehicle: s.vehicle, at }, policy);
  if (!estimate.ok) return no(estimate.message);

  if (s.flags.has('REPEAT_WEIGHING') && !lane.journalEvent('REPEAT_WEIGHING', '重复过磅（估重）/ repeat weighing (estimated)', facts({ estimated: true }))) return no(lane.message ?? '');
  const basis = { ...estimate.basis, scale, reason: e.reason.trim(), supervisor: e.supervisor.trim() };
  const load = { stream, direction, permit: s.permit?.permitNo ?? null, origin: s.permit?.originSiteCode ?? null };
  const body = estimatedTicket(ticketContext(lane.passContext(), s), at, { ...estimate, basis }, load);
  const entry = lane.guard(() => lane.deps.journal.appendTicket(TicketBody.parse(body)));
  if (!entry) return no(lane.message ?? 'journal fault');
  const details = {
    netKg: body.netKg, grossKg: body.grossKg, tareKg: body.tareKg, tareSource: body.tareSource, direction, stream,
    method: basis.method, samples: basis.sampleSeqs.length, sampleSeqs: basis.sampleSeqs.join(','), ratedLoadKg: basis.ratedLoadKg, sharePermille: basis.sharePermille,
    scale, operator: s.operator, supervisor: basis.supervisor, reason: basis.reason,
  };
  const how = basis.method === 'VEHICLE_MEDIAN' ? `近 ${basis.sampleSeqs.length} 次称重中位数 / median of ${basis.sampleSeqs.length} weighed tickets` : `核定载质量的 ${basis.sharePermille! / 10}% / ${basis.sharePermille! / 10} % of rated load`;
  // the ticket is journaled by now; if this event fails the lane faults, but the ticket stands
  lane.journalEvent('ESTIMATED_WEIGHT', `估重 ${body.netKg} kg（${how}）/ estimated: ${basis.reason}`, facts(details, entry.seq));
  return lane.reportOutcome({ kind: 'completed', entry, body, followUpError: null }, false);
}
