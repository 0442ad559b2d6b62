import { INDICATOR_PROTOCOLS } from '@haulproof/contracts';
import { describe, expect, it } from 'vitest';
import { createDecoder, isProtocolName, PROTOCOL_NAMES, type ProtocolName } from './index.js';

describe('createDecoder', () => {
  it('uses exactly the protocol names of the shared contracts', () => {
    expect([...PROTOCOL_NAMES]).toEqual([...INDICATOR_PROTOCOLS]);
  });

  it.each(PROTOCOL_NAMES)('creates a %s decoder that reports its protocol and starts at zero', (protocol) => {
    const d = createDecoder(protocol);
    expect(d.protocol).toBe(protocol);
    expect(d.stats).toEqual({ frames: 0, badChecksum: 0, badLayout: 0, bytesDiscarded: 0 });
    expect(d.bufferedBytes).toBe(0);
  });

  it('throws a RangeError naming the valid protocols for an unknown name (e.g. from configuration)', () => {
    expect(() => createDecoder('toledo' as ProtocolName)).toThrow(/unknown indicator protocol "toledo"; expected one of TOLEDO_CONTINUOUS, /);
  });

  it('guards protocol names', () => {
    expect(PROTOCOL_NAMES.every(isProtocolName)).toBe(true);
    expect([isProtocolName('A12 '), isProtocolName(undefined), isProtocolName('a12')]).toEqual([false, false, false]);
  });
});
