import type { StreamCode } from '@haulproof/contracts';

/** DOMAIN.md "Waste streams": what operators and drivers read on screens and tickets. */
export const STREAM_NAMES: Record<StreamCode, { zh: string; en: string }> = {
  KITCHEN: { zh: '厨余垃圾', en: 'kitchen waste' },
  FOOD_SERVICE: { zh: '餐厨垃圾', en: 'food-service waste' },
  RECYCLABLE: { zh: '可回收物', en: 'recyclables' },
  HAZARDOUS: { zh: '有害垃圾', en: 'hazardous waste' },
  OTHER: { zh: '其他垃圾', en: 'other (residual) waste' },
  BULKY: { zh: '大件垃圾', en: 'bulky waste' },
  CONSTRUCTION: { zh: '建筑垃圾', en: 'construction waste' },
  RENOVATION: { zh: '装修垃圾', en: 'renovation waste' },
};

/** Streams carried under a disposal permit (处置证). */
export const PERMIT_STREAMS: readonly StreamCode[] = ['CONSTRUCTION', 'RENOVATION'];
