import { describe, expect, it } from 'vitest';
import type { StreamFigures } from '../services/webrtc-stats.ts';
import { toQuality, worstQuality } from './connection-quality.ts';

function figures(packetLossPercent: number | null, roundTripMs: number | null): StreamFigures {
  return {
    packetLossPercent,
    roundTripMs,
  } as StreamFigures;
}

describe('connection quality', () => {
  it('grades quality from loss and round-trip time', () => {
    expect(toQuality(null, null)).toBe('unknown');
    expect(toQuality(0, 20)).toBe('excellent');
    expect(toQuality(3, 20)).toBe('good');
    expect(toQuality(8, 20)).toBe('poor');
    expect(toQuality(0, 500)).toBe('poor');
    expect(toQuality(30, 20)).toBe('lost');
  });

  it('takes the worst of a participant streams, and unknown when none has figures', () => {
    expect(worstQuality([figures(0, 10), figures(8, 10)])).toBe('poor');
    expect(worstQuality([figures(0, 10), null])).toBe('excellent');
    expect(worstQuality([null, figures(null, null)])).toBe('unknown');
    expect(worstQuality([])).toBe('unknown');
  });
});
