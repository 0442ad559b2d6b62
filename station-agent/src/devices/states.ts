/** The device states the agent reports, as the AgentEvent union spells them. */
import type { AgentEvent } from '../types.js';

export type ScaleStateName = Extract<AgentEvent, { type: 'scale.state' }>['state'];
export type ReaderStateName = Extract<AgentEvent, { type: 'reader.state' }>['state'];
