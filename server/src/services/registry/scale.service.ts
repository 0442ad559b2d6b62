import { ScaleInput, type Page, type ScaleListQuery, type ScaleUpdate } from '@haulproof/contracts';
import type { ScaleRepository, ScaleRow } from '../../repositories/registry/scale.repository.js';
import { found, patched } from './common.js';

/** Weighbridge lanes: anyone logged in reads them; admins change them. */
export class ScaleService {
  constructor(private readonly scales: ScaleRepository) {}

  list(q: ScaleListQuery): Promise<Page<ScaleRow>> {
    return this.scales.list(q, q);
  }

  async get(id: string): Promise<ScaleRow> {
    return found(await this.scales.find(id), 'scale', id);
  }

  create(input: ScaleInput): Promise<ScaleRow> {
    return this.scales.create(toData(input));
  }

  async update(id: string, patch: ScaleUpdate): Promise<ScaleRow> {
    const cur = await this.get(id);
    const { id: _id, ...stored } = cur;
    const next = patched(ScaleInput, stored as ScaleInput, patch, 'scale');
    return this.scales.update(id, toData(next));
  }

  remove(id: string): Promise<void> {
    return this.scales.remove(id);
  }
}

const toData = (s: ScaleInput) => ({ ...s, portPath: s.portPath ?? null });
