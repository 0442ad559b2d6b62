import { ScaleInput, type Page, type ScaleListQuery, type ScaleUpdate } from '@haulproof/contracts';
import type { ScaleRepository, ScaleRow } from '../../repositories/registry/scale.repository.js';
import { found, patched } from './common.js';
import type { RegistryChangeSink } from './registry-changes.js';

/** Weighbridge lanes: anyone logged in reads them; admins change them. */
export class ScaleService {
  constructor(
    private readonly scales: ScaleRepository,
    private readonly changes: RegistryChangeSink,
  ) {}

  list(q: ScaleListQuery): Promise<Page<ScaleRow>> {
    return this.scales.list(q, q);
  }

  async get(id: string): Promise<ScaleRow> {
    return found(await this.scales.find(id), 'scale', id);
  }

  async create(input: ScaleInput): Promise<ScaleRow> {
    const row = await this.scales.create(toData(input));
    this.changes.announce({ entity: 'scale', before: null, after: row });
    return row;
  }

  async update(id: string, patch: ScaleUpdate): Promise<ScaleRow> {
    const cur = await this.get(id);
    const { id: _id, ...stored } = cur;
    const next = patched(ScaleInput, stored as ScaleInput, patch, 'scale');
    const row = await this.scales.update(id, toData(next));
    this.changes.announce({ entity: 'scale', before: cur, after: row });
    return row;
  }

  async remove(id: string): Promise<void> {
    const cur = await this.scales.find(id);
    await this.scales.remove(id);
    if (cur) this.changes.announce({ entity: 'scale', before: cur, after: null });
  }
}

const toData = (s: ScaleInput) => ({ ...s, portPath: s.portPath ?? null });
