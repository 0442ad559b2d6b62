// Export columns of the summed figures: totals and district figures (collected and disposed).
import type { DistrictFigureRow, TotalsRow } from '@haulproof/contracts';
import { int, kg, provenance, t, text } from './columns.js';
import type { ExportColumn } from './export-stream.js';

export const TOTALS_COLUMNS: ExportColumn<TotalsRow>[] = [
  text('期间', 'Period', (r) => r.period),
  text('站点', 'Site ID', (r) => r.siteId),
  text('区', 'District ID', (r) => r.districtId),
  text('品类', 'Stream', (r) => r.stream),
  text('方向', 'Direction', (r) => r.direction),
  int('车次', 'Tickets', (r) => r.tickets),
  kg('净重', 'Net', (r) => r.kg.total),
  ...provenance<TotalsRow>('', '', (r) => r.kg),
  t('净重', 'Net', (r) => r.kg.total),
];

export const DISTRICT_FIGURE_COLUMNS: ExportColumn<DistrictFigureRow>[] = [
  text('期间', 'Period', (r) => r.period),
  text('区', 'District ID', (r) => r.districtId ?? 'UNATTRIBUTED'),
  text('品类', 'Stream', (r) => r.stream),
  kg('收运净重', 'Collected net', (r) => r.collected.total),
  ...provenance<DistrictFigureRow>('收运', 'Collected ', (r) => r.collected),
  kg('处置净重', 'Disposed net', (r) => r.disposed.total),
  ...provenance<DistrictFigureRow>('处置', 'Disposed ', (r) => r.disposed),
  kg('按转运站比例分摊', 'Disposed apportioned', (r) => r.apportionedKg),
  t('收运', 'Collected', (r) => r.collected.total),
  t('处置', 'Disposed', (r) => r.disposed.total),
];
