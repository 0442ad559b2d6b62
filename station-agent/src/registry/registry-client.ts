import { DeviceRegistrySnapshot } from '@haulproof/contracts';
import { deviceRequest, serverMessage, type DeviceHttpOptions } from '../outbox/device-http.js';

export const REGISTRY_PATH = '/api/v1/device/registry';

export type RegistryFetch = { kind: 'updated'; snapshot: DeviceRegistrySnapshot; etag: string | null } | { kind: 'not-modified' };

/** Where the registry comes from: the server, or a stub in tests. Throws when it cannot answer. */
export interface RegistrySource {
  fetch(etag: string | null): Promise<RegistryFetch>;
}

export class RegistryFetchError extends Error {
  override name = 'RegistryFetchError';
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
  }
}

/** GET /api/v1/device/registry, device-authenticated, conditional on the last ETag. */
export class HttpRegistrySource implements RegistrySource {
  constructor(private readonly http: DeviceHttpOptions) {}

  async fetch(etag: string | null): Promise<RegistryFetch> {
    const res = await deviceRequest(this.http, 'GET', REGISTRY_PATH, null, etag ? { 'if-none-match': etag } : {});
    if (res.status === 304) return { kind: 'not-modified' };
    if (res.status !== 200) throw new RegistryFetchError(`registry refresh refused (${res.status}): ${serverMessage(res.text)}`, res.status);
    let json: unknown;
    try {
      json = JSON.parse(res.text);
    } catch {
      throw new RegistryFetchError('the registry response is not JSON', res.status);
    }
    const parsed = DeviceRegistrySnapshot.safeParse(json);
    if (!parsed.success) throw new RegistryFetchError(`the registry response does not match DeviceRegistrySnapshot: ${parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, res.status);
    return { kind: 'updated', snapshot: parsed.data, etag: res.headers.get('etag') };
  }
}
