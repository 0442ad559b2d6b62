import { createHash } from 'node:crypto';
import type { DeviceRegistrySnapshot } from '@haulproof/contracts';
import { notFound } from '../http/errors.js';
import type { DeviceRegistryRepository } from '../repositories/device-registry.repository.js';

/**
 * The registry snapshot a station caches to weigh offline. Its ETag is the sha256 of the
 * snapshot without `generatedAt`, so an agent polling with If-None-Match gets 304 until
 * something it depends on changes.
 */
export class DeviceRegistryService {
  constructor(private readonly registry: DeviceRegistryRepository) {}

  async snapshot(deviceId: string): Promise<{ snapshot: DeviceRegistrySnapshot; etag: string }> {
    const content = await this.registry.snapshot(deviceId);
    if (!content) throw notFound(`no device ${deviceId}`);
    const etag = `"${createHash('sha256').update(JSON.stringify(content)).digest('base64url')}"`;
    return { snapshot: { generatedAt: new Date().toISOString(), ...content }, etag };
  }
}

/** RFC 9110 §13.1.2: If-None-Match matches on a weak comparison, any of a list, or `*`. */
export function ifNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((t) => {
    const tag = t.trim().replace(/^W\//, '');
    return tag === '*' || tag === etag;
  });
}
