export * from './streams.js';
export * from './plate.js';
export * from './weights.js';
export * from './canonical-json.js';
export * from './ticket-record.js';
export * from './registry.js';
export * from './api.js';
export * from './events.js';
