/** Device I/O for the station agent: indicators, IC-card and UHF readers, and what they run on. */
export { Backoff, type BackoffOptions } from './backoff.js';
export type { ByteLink, ByteLinkHandlers, OpenLink, SerialSettings } from './byte-link.js';
export { CardReader, normaliseUid, type CardReaderOptions } from './card-reader.js';
export { DeviceDisconnectedError, ScaleDisconnectedError } from './errors.js';
export { FrameHealth, type FrameHealthOptions, type FrameStats, type HealthVerdict } from './frame-health.js';
export { IndicatorPort, createSerialIndicator, type IndicatorPortOptions, type SerialIndicatorOptions } from './indicator-port.js';
export type { IndicatorSource, IndicatorStats, ScaleStateName } from './indicator-source.js';
export { LinkSupervisor } from './link-supervisor.js';
export { silentLogger, type DeviceLogger } from './log.js';
export { MemoryDevice } from './memory-link.js';
export type { CreateNfc, NfcLike, NfcReaderLike } from './nfc-types.js';
export { pcscdReachable, PCSCD_SOCKET } from './pcsc-service.js';
export { serialLink } from './serial-link.js';
export type { SicsMode } from './sics-poller.js';
export { realTimers, type Timers } from './timers.js';
export { UhfReader, createSerialUhfReader, type ReaderStateName, type SerialUhfReaderOptions, type UhfReaderOptions } from './uhf-reader.js';
export { readingKg, toWeightSample } from './weight-sample.js';
