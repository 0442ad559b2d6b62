/**
 * A device that went away is its own error (STYLE.md item 6): the adapter
 * reports it, waits, and reconnects. It is never thrown past an adapter.
 */
export class DeviceDisconnectedError extends Error {
  override name = 'DeviceDisconnectedError';
  constructor(
    /** The port path or device name. */
    readonly device: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The weighing indicator's port closed, was unplugged, or does not exist (ENOENT). */
export class ScaleDisconnectedError extends DeviceDisconnectedError {
  override name = 'ScaleDisconnectedError';
  constructor(
    readonly lane: string,
    device: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(device, message, options);
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Any failure to reach a device, as a DeviceDisconnectedError naming it. */
export function asDisconnected(device: string, err: unknown): DeviceDisconnectedError {
  return err instanceof DeviceDisconnectedError ? err : new DeviceDisconnectedError(device, errorMessage(err), { cause: err });
}
