/**
 * Words printed on the ticket (磅单). Chinese first, English after (DOMAIN.md: the users speak
 * Chinese); when no CJK font is available the English half is printed alone.
 */
import type { Direction, TicketFlag, WeightSource } from '@haulproof/contracts';

export interface Label {
  zh: string;
  en: string;
}

export const LABELS = {
  title: { zh: '过磅单', en: 'Weighbridge ticket' },
  ticketNo: { zh: '磅单号', en: 'Ticket no.' },
  site: { zh: '场站', en: 'Site' },
  lane: { zh: '磅道', en: 'Lane' },
  plate: { zh: '车牌', en: 'Plate' },
  card: { zh: '卡号', en: 'Card' },
  stream: { zh: '垃圾类别', en: 'Waste stream' },
  direction: { zh: '方向', en: 'Direction' },
  gross: { zh: '毛重', en: 'Gross' },
  tare: { zh: '皮重', en: 'Tare' },
  net: { zh: '净重', en: 'Net' },
  firstAt: { zh: '一次过磅', en: 'First pass' },
  secondAt: { zh: '二次过磅', en: 'Second pass' },
  route: { zh: '收运线路', en: 'Route' },
  permit: { zh: '处置证', en: 'Disposal permit' },
  origin: { zh: '来源', en: 'Origin' },
  operator: { zh: '司磅员', en: 'Operator' },
  flags: { zh: '标记', en: 'Flags' },
  software: { zh: '软件版本', en: 'Software' },
  hash: { zh: '记录哈希', en: 'Record hash' },
  unattended: { zh: '无人值守', en: 'unattended' },
  none: { zh: '无', en: 'none' },
  storedTareOnly: { zh: '无（预置皮重）', en: 'none (stored tare)' },
  estimate: { zh: '估重依据', en: 'Estimate basis' },
  verify: { zh: '扫码核验', en: 'Scan to verify' },
} satisfies Record<string, Label>;

export const SOURCE_LABELS: Record<WeightSource, Label> = {
  WEIGHED: { zh: '称重', en: 'weighed' },
  STORED: { zh: '预置皮重', en: 'stored tare' },
  KEYED: { zh: '手工录入', en: 'keyed in' },
  ESTIMATED: { zh: '估重', en: 'estimated' },
};

export const DIRECTION_LABELS: Record<Direction, Label> = {
  IN: { zh: '进场（卸货）', en: 'IN (delivery)' },
  OUT: { zh: '出场（运出）', en: 'OUT (haul)' },
};

export const FLAG_LABELS: Record<TicketFlag, Label> = {
  KEYED: { zh: '手工录入', en: 'keyed weight' },
  STORED_TARE: { zh: '预置皮重', en: 'stored tare' },
  ESTIMATED: { zh: '估重（磅秤不可用）', en: 'estimated (scale unusable)' },
  TARE_DEVIATION: { zh: '皮重偏差', en: 'tare deviation' },
  OVERWEIGHT: { zh: '超载', en: 'overweight' },
  PLATE_MISMATCH: { zh: '车牌不符', en: 'plate mismatch' },
  NO_ZERO_RETURN: { zh: '未回零', en: 'no zero return' },
  WEIGHT_JUMP: { zh: '重量跳变', en: 'weight jump' },
  REPEAT_WEIGHING: { zh: '重复过磅', en: 'repeat weighing' },
  MANUAL_REVIEW: { zh: '待人工复核', en: 'manual review' },
};
