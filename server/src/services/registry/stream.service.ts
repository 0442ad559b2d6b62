import type { Page, StreamListQuery } from '@haulproof/contracts';
import type { StreamRepository, StreamRow } from '../../repositories/registry/stream.repository.js';

/** Waste streams: reference data anyone logged in may read. */
export class StreamService {
  constructor(private readonly streams: StreamRepository) {}

  list(q: StreamListQuery): Promise<Page<StreamRow>> {
    return this.streams.list(q);
  }
}
