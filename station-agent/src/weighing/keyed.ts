/** DOMAIN.md: manual entries (手工录入) need a reason and a supervisor; they are flagged KEYED. */
import { ABSURD_KG, normalisePlate, type StreamCode } from '@haulproof/contracts';

export interface KeyedWeight {
  plate: string; // as typed; normalised before lookup
  kg: number; // integer kg
  stream?: StreamCode; // for a first pass of a multi-stream vehicle
  operator: string;
  supervisor: string;
  reason: string;
}

/** Why this entry cannot be accepted, or null. */
export function keyedEntryProblem(k: KeyedWeight): string | null {
  if (!Number.isInteger(k.kg) || k.kg < 1 || k.kg > ABSURD_KG) return `重量须为 1–${ABSURD_KG} 的整数千克 / the weight must be whole kg between 1 and ${ABSURD_KG}`;
  if (!k.operator.trim()) return '需要操作员 / an operator is required';
  if (!k.supervisor.trim()) return '需要主管签字 / a supervisor is required';
  if (k.supervisor.trim() === k.operator.trim()) return '主管不能是操作员本人 / the supervisor must be someone other than the operator';
  if (k.reason.trim().length < 3) return '需要录入原因 / a reason is required';
  if (normalisePlate(k.plate).length < 5) return '车牌不完整 / the plate is incomplete';
  return null;
}
