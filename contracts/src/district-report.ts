import { z } from 'zod';

/** The monthly district report (PDF): one district, one calendar month. */
export const DistrictMonthReportQuery = z
  .object({ districtId: z.uuid('an id (UUID)'), month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month YYYY-MM') })
  .strict();
export type DistrictMonthReportQuery = z.infer<typeof DistrictMonthReportQuery>;
