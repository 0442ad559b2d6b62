// The weighing workflow: what the agent wires (one CardRegistry, one Lane per lane).
export { Lane, ticketNo, type LaneResult, type LaneView } from './lane.js';
export { DEFAULT_POLICY, type LaneDeps, type LaneLogger, type LaneOptions, type LanePolicy } from './lane-options.js';
export { CardRegistry, type CardClaim } from './card-registry.js';
export { StabilityDetector, type ScaleSpec, type StabilityOptions, type StabilityVerdict, type UnstableReason, type WeightJump } from './stability.js';
export type { KeyedWeight } from './keyed.js';
export type { EstimateRequest } from './estimate.js';
export type { Refusal, RefusalCode } from './refusals.js';
export { formatSiteTime, siteLocalDate } from './site-time.js';
export { STREAM_NAMES } from './stream-names.js';
