import { TargetInput, type Page, type TargetListQuery, type TargetUpdate } from '@haulproof/contracts';
import type { TargetData, TargetRepository, TargetRow } from '../../repositories/registry/target.repository.js';
import { targetScope, type Principal } from '../principal.js';
import { allowed, dateOnly, found, fromDateOnly, num, patched, visible } from './common.js';

/** District targets (separation rate, tonnes/day…) the bureau ranks districts against. */
export class TargetService {
  constructor(private readonly targets: TargetRepository) {}

  list(p: Principal, q: TargetListQuery): Promise<Page<TargetRow>> {
    return this.targets.list(allowed(targetScope(p), 'district targets'), q, q);
  }

  async get(p: Principal, id: string): Promise<TargetRow> {
    return visible(await this.targets.find(id, allowed(targetScope(p), 'district targets')), () => this.targets.exists(id), 'target', id);
  }

  create(input: TargetInput): Promise<TargetRow> {
    return this.targets.create(toData(input));
  }

  async update(id: string, patch: TargetUpdate): Promise<TargetRow> {
    const t = found(await this.targets.find(id), 'target', id);
    const cur: TargetInput = { districtId: t.districtId, metric: t.metric, periodKind: t.periodKind, periodStart: dateOnly(t.periodStart), value: num(t.value) ?? 0, unit: t.unit };
    return this.targets.update(id, toData(patched(TargetInput, cur, patch, 'target')));
  }

  remove(id: string): Promise<void> {
    return this.targets.remove(id);
  }
}

const toData = (t: TargetInput): TargetData => ({ ...t, periodStart: fromDateOnly(t.periodStart) });
