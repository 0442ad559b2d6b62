/** What the lane screen and the LED board say (中文 / English). */
import type { Session } from './identify.js';
import { STREAM_NAMES } from './stream-names.js';

/**
 * 'journal': a write failed during a weighing; an operator must reset the lane.
 * 'journal-unavailable': the journal reports it cannot write (TicketJournal.healthy() is false),
 * so no weighing starts; the lane recovers by itself once the journal can write again.
 * 'out-of-service': an operator took the scale out of service (检定, repair); only returning it
 * to service ends this, whatever the indicator sends meanwhile.
 */
export type FaultCause = 'scale' | 'frames' | 'journal' | 'journal-unavailable' | 'out-of-service';

export interface Fault {
  cause: FaultCause;
  alarm: string; // the alarm code raised on the bus, cleared when the fault is
}

export function describeSession(s: Session): string {
  const plate = s.vehicle.plate;
  if (s.open) {
    const n = STREAM_NAMES[s.open.stream];
    return `${plate} 第二次过磅（${n.zh}）/ second pass (${n.en})`;
  }
  if (!s.stream) {
    const choices = s.vehicle.streams.filter((c) => s.site.acceptedStreams.includes(c)).join(', ');
    return `${plate} 请操作员选择垃圾类别 / operator to choose the waste stream (${choices})`;
  }
  const n = STREAM_NAMES[s.stream];
  return `${plate} ${n.zh}，请上磅停稳 / ${n.en}: drive on and stop`;
}

export function faultMessage(cause: FaultCause, detail: string): string {
  switch (cause) {
    case 'scale':
      return `称重仪表断开或故障，暂停称重 / scale disconnected or faulty: weighing stopped (${detail})`;
    case 'frames':
      return `称重数据中断，暂停称重 / indicator frames stopped: weighing stopped (${detail})`;
    case 'journal':
      return `磅单记录写入失败，暂停称重，请联系管理员 / journal write failed: weighing stopped, call the administrator (${detail})`;
    case 'out-of-service':
      return `磅秤停用（${detail}），只能估重 / scale out of service (${detail}): loads may only be estimated`;
    case 'journal-unavailable':
      return `记录本不可写，暂停称重 / journal unavailable: weighing stopped until it can write again${detail ? ` (${detail})` : ''}`;
  }
}
