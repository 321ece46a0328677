import { describe, expect, it } from 'vitest';
import type { StreamStats } from '../adapters/sfu-adapter.ts';
import { CallQualityTracker, QUALITY_MESSAGES } from './call-quality.ts';

function inbound(kind: 'audio' | 'video', figures: Partial<StreamStats>): StreamStats {
  return {
    participantId: 'bob',
    direction: 'inbound',
    kind,
    source: kind === 'audio' ? 'microphone' : 'camera',
    bitrateKbps: null,
    packetsLost: null,
    packetLossPercent: null,
    roundTripMs: null,
    jitterMs: null,
    width: null,
    height: null,
    framesPerSecond: null,
    path: null,
    framesDecoded: null,
    packetsReceived: null,
    freezeCount: null,
    qualityLimitation: null,
    ...figures,
  };
}

function setup() {
  let now = 1000;
  const lines: [string, string, Record<string, unknown>][] = [];
  const tracker = new CallQualityTracker(
    1000,
    (level, message, metadata) => lines.push([level, message, metadata]),
    () => now,
  );
  return { tracker, lines, advance: (ms: number) => (now += ms) };
}

describe('CallQualityTracker', () => {
  it('times the first decoded frame and the first audio packet from the join, once each', () => {
    const { tracker, lines, advance } = setup();
    advance(400);
    tracker.observe([inbound('video', { framesDecoded: 0 }), inbound('audio', { packetsReceived: 3 })]);
    advance(350);
    tracker.observe([inbound('video', { framesDecoded: 2 }), inbound('audio', { packetsReceived: 9 })]);
    advance(1000);
    tracker.observe([inbound('video', { framesDecoded: 40 })]);
    expect(lines).toEqual([
      ['info', QUALITY_MESSAGES.firstAudio, { join_to_first_audio_ms: 400, from: 'bob' }],
      ['info', QUALITY_MESSAGES.firstFrame, { join_to_first_frame_ms: 750, from: 'bob' }],
    ]);
    expect(tracker.waitingForFirstMedia).toBe(false);
  });

  it('ignores our own outbound streams', () => {
    const { tracker, lines } = setup();
    tracker.observe([{ ...inbound('video', { framesDecoded: 5 }), direction: 'outbound' }]);
    expect(lines).toEqual([]);
    expect(tracker.waitingForFirstMedia).toBe(true);
  });

  it('reports new freezes per stream, not the running total', () => {
    const { tracker, lines } = setup();
    tracker.observe([inbound('video', { freezeCount: 1, framesDecoded: 1 })]);
    tracker.observe([inbound('video', { freezeCount: 1 })]);
    tracker.observe([inbound('video', { freezeCount: 3 })]);
    expect(lines.filter(([, message]) => message === QUALITY_MESSAGES.freeze)).toEqual([
      ['warn', QUALITY_MESSAGES.freeze, { from: 'bob', source: 'camera', freezes: 2 }],
    ]);
  });

  it('reports a reconnect with how long the connection was lost', () => {
    const { tracker, lines, advance } = setup();
    tracker.connectionChanged('connected');
    tracker.connectionChanged('reconnecting');
    tracker.connectionChanged('reconnecting');
    advance(2500);
    tracker.connectionChanged('connected');
    expect(lines).toEqual([
      ['warn', QUALITY_MESSAGES.reconnecting, {}],
      ['info', QUALITY_MESSAGES.reconnected, { outage_ms: 2500 }],
    ]);
  });
});
