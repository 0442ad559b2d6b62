/**
 * Why a lane refuses a vehicle, in the words the operator and driver read (DOMAIN.md: the users
 * speak Chinese; English follows for the bureau's foreign-language staff and the logs).
 */
import type { StationEventType, StreamCode } from '@haulproof/contracts';
import { STREAM_NAMES } from './stream-names.js';

export type EventDetails = Record<string, string | number | boolean | null>;

export type RefusalCode =
  | 'NO_REGISTRY'
  | 'UNKNOWN_CARD'
  | 'CARD_NOT_ISSUED'
  | 'UNKNOWN_VEHICLE'
  | 'VEHICLE_NOT_ACTIVE'
  | 'STREAM_NOT_ACCEPTED'
  | 'STREAM_NOT_CARRIED'
  | 'NO_PERMIT'
  | 'CARD_AT_TWO_LANES'
  | 'REPEAT_WEIGHING'
  | 'NO_ZERO_RETURN'
  | 'GROSS_NOT_ABOVE_TARE';

export interface Refusal {
  code: RefusalCode;
  message: string; // "中文 / English"
  event: StationEventType; // the journal event that records it
  overridable: boolean; // an operator may let the vehicle through (with a reason; the ticket is flagged)
  details: EventDetails;
}

const refusal = (code: RefusalCode, message: string, details: EventDetails = {}, event: StationEventType = 'REFUSED_AT_LANE', overridable = false): Refusal => ({
  code,
  message,
  event,
  overridable,
  details: { reason: code, ...details },
});

const stream = (s: StreamCode) => STREAM_NAMES[s];

export const refuse = {
  noRegistry: () => refusal('NO_REGISTRY', '无登记数据，暂停称重 / registry not loaded: weighing paused'),
  unknownCard: (uid: string) => refusal('UNKNOWN_CARD', '未登记的卡 / unknown card', { card: uid }),
  cardNotIssued: (status: 'LOST' | 'REVOKED') =>
    refusal('CARD_NOT_ISSUED', status === 'LOST' ? '此卡已挂失 / card reported lost' : '此卡已注销 / card revoked', { cardStatus: status }),
  unknownVehicle: (plate: string) => refusal('UNKNOWN_VEHICLE', `车辆 ${plate} 未登记 / vehicle ${plate} is not registered`),
  vehicleNotActive: (status: 'SUSPENDED' | 'BANNED') =>
    refusal('VEHICLE_NOT_ACTIVE', status === 'BANNED' ? '车辆禁止进场 / vehicle banned from this site' : '车辆已暂停使用 / vehicle suspended', {
      vehicleStatus: status,
    }),
  streamNotAccepted: (s: StreamCode) =>
    refusal('STREAM_NOT_ACCEPTED', `本场不接收${stream(s).zh} / this site does not accept ${stream(s).en}`, { stream: s }),
  streamNotCarried: (s: StreamCode) =>
    refusal('STREAM_NOT_CARRIED', `车辆未登记运输${stream(s).zh} / vehicle not registered to carry ${stream(s).en}`, { stream: s }),
  noPermit: (s: StreamCode, why: string) =>
    refusal('NO_PERMIT', `无本场有效处置证 / no valid disposal permit for this site (${why})`, { stream: s, why }),
  cardAtTwoLanes: (otherLane: string) =>
    refusal('CARD_AT_TWO_LANES', `此卡/车辆正在 ${otherLane} 道称重 / card or vehicle already in use at lane ${otherLane}`, { otherLane }, 'CARD_AT_TWO_LANES'),
  repeat: (minutes: number, lastSeq: number) =>
    refusal(
      'REPEAT_WEIGHING',
      `${minutes} 分钟内重复过磅，需操作员确认 / weighed again within ${minutes} min: operator must confirm`,
      { minutesSinceLast: minutes, lastTicketSeq: lastSeq },
      'REPEAT_WEIGHING',
      true,
    ),
  noZeroReturn: (lastKg: number | null) =>
    refusal(
      'NO_ZERO_RETURN',
      '磅面未回零，请下磅后重新上磅 / the scale did not return to zero: drive off and on again',
      { lastKg },
      'NO_ZERO_RETURN',
      true,
    ),
  grossNotAboveTare: (kg: number, tareKg: number) =>
    refusal('GROSS_NOT_ABOVE_TARE', `毛重 ${kg} kg 不大于预置皮重 ${tareKg} kg / weight not above the stored tare`, { weighedKg: kg, storedTareKg: tareKg }),
};
