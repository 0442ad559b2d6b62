// Device-authenticated HTTP: every request carries a signature over method,
// path, time and the sha256 of exactly the body bytes sent (server/src/http/device-auth.ts).
import type { KeyObject } from 'node:crypto';
import { deviceAuthHeader } from '@haulproof/contracts/signing';
import type { Clock } from '../types.js';

export interface DeviceIdentity {
  code: string;
  privateKey: KeyObject;
}

export interface DeviceHttpOptions {
  serverUrl: string;
  device: DeviceIdentity;
  fetch?: typeof fetch;
  clock?: Clock;
  /** Abort a request that takes longer than this. */
  timeoutMs?: number;
}

export interface DeviceResponse {
  status: number;
  headers: Headers;
  text: string;
}

/** No answer at all (connection refused, DNS, timeout): the server may or may not have seen the request. */
export class NetworkError extends Error {
  override name = 'NetworkError';
}

export async function deviceRequest(opts: DeviceHttpOptions, method: 'GET' | 'POST', path: string, body: Buffer | null, headers: Record<string, string> = {}): Promise<DeviceResponse> {
  const url = new URL(path, opts.serverUrl);
  const bytes = body ?? Buffer.alloc(0);
  const authorization = deviceAuthHeader(opts.device.code, opts.device.privateKey, method, url.pathname, bytes, new Date((opts.clock ?? Date.now)()));
  let res: Response;
  try {
    res = await (opts.fetch ?? fetch)(url, {
      method,
      headers: { ...(body ? { 'content-type': 'application/json' } : {}), authorization, ...headers },
      ...(body ? { body: new Uint8Array(body) } : {}),
      signal: AbortSignal.timeout(opts.timeoutMs ?? 60_000),
    });
    return { status: res.status, headers: res.headers, text: await res.text() };
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause; // undici puts the socket error here
    throw new NetworkError(`${method} ${url.href}: ${cause?.code ?? cause?.message ?? (err as Error).message}`, { cause: err });
  }
}

/** The `message` of a server error body ({ message, … }), or the start of the text. */
export function serverMessage(text: string): string {
  try {
    const m = (JSON.parse(text) as { message?: unknown }).message;
    if (typeof m === 'string') return m;
  } catch {
    // not JSON
  }
  return text.slice(0, 300);
}
