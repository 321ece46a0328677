import { describe, expect, it } from 'vitest';
import { type ByteSample, summarizeStats } from './webrtc-stats.ts';

function report(...stats: Record<string, unknown>[]): RTCStatsReport {
  return new Map(stats.map((stat) => [String(stat.id), stat]));
}

describe('summarizeStats', () => {
  it('derives inbound bitrate between two samples, with loss, jitter and round-trip time', () => {
    const previous = new Map<string, ByteSample>();
    const at = (timestamp: number, bytes: number) =>
      report(
        {
          id: 'in', type: 'inbound-rtp', kind: 'video', timestamp, bytesReceived: bytes,
          packetsReceived: 990, packetsLost: 10, jitter: 0.012, frameWidth: 640,
          frameHeight: 360, framesPerSecond: 29.97,
        },
        { id: 'tr', type: 'transport', timestamp, selectedCandidatePairId: 'cp' },
        { id: 'cp', type: 'candidate-pair', timestamp, currentRoundTripTime: 0.004 },
      );
    expect(summarizeStats(at(1000, 0), 'inbound', previous)?.bitrateKbps).toBeNull();
    expect(summarizeStats(at(2000, 125_000), 'inbound', previous)).toEqual({
      kind: 'video',
      bitrateKbps: 1000,
      packetsLost: 10,
      packetLossPercent: 1,
      roundTripMs: 4,
      jitterMs: 12,
      width: 640,
      height: 360,
      framesPerSecond: 30,
      path: null,
      framesDecoded: null,
      packetsReceived: 990,
      freezeCount: null,
      qualityLimitation: null,
    });
  });

  it('adds up simulcast layers and takes loss and round-trip time from the receiver report', () => {
    const previous = new Map<string, ByteSample>([
      ['q', { bytes: 0, timestampMs: 0 }],
      ['h', { bytes: 0, timestampMs: 0 }],
    ]);
    const figures = summarizeStats(
      report(
        { id: 'q', type: 'outbound-rtp', kind: 'video', timestamp: 1000, bytesSent: 12_500, frameWidth: 320, frameHeight: 180, qualityLimitationReason: 'none' },
        { id: 'h', type: 'outbound-rtp', kind: 'video', timestamp: 1000, bytesSent: 62_500, frameWidth: 1280, frameHeight: 720, qualityLimitationReason: 'bandwidth' },
        { id: 'r', type: 'remote-inbound-rtp', timestamp: 1000, packetsLost: 3, fractionLost: 0.02, roundTripTime: 0.05 },
      ),
      'outbound',
      previous,
    );
    expect(figures).toMatchObject({
      bitrateKbps: 600,
      packetsLost: 3,
      packetLossPercent: 2,
      roundTripMs: 50,
      width: 1280,
      height: 720,
      qualityLimitation: 'bandwidth',
      framesDecoded: null,
    });
  });

  it('is null when the report has no stream of that direction', () => {
    expect(summarizeStats(report(), 'inbound', new Map())).toBeNull();
  });

  describe('path', () => {
    const withLocal = (local: Record<string, unknown>, pair: Record<string, unknown> = {}) =>
      report(
        { id: 'in', type: 'inbound-rtp', kind: 'audio', timestamp: 1, bytesReceived: 1 },
        { id: 'tr', type: 'transport', timestamp: 1, selectedCandidatePairId: 'cp' },
        { id: 'cp', type: 'candidate-pair', timestamp: 1, localCandidateId: 'lc', ...pair },
        { id: 'other', type: 'local-candidate', timestamp: 1, candidateType: 'host', protocol: 'udp' },
        { id: 'lc', type: 'local-candidate', timestamp: 1, ...local },
      );
    const pathOf = (stats: RTCStatsReport) => summarizeStats(stats, 'inbound', new Map())?.path;

    it('names a direct path by the selected local candidate protocol', () => {
      expect(pathOf(withLocal({ candidateType: 'host', protocol: 'udp' }))).toBe('udp');
      expect(pathOf(withLocal({ candidateType: 'prflx', protocol: 'udp' }))).toBe('udp');
      expect(pathOf(withLocal({ candidateType: 'host', protocol: 'tcp' }))).toBe('tcp');
    });

    it('names a relayed path by how the browser reaches the TURN server', () => {
      for (const [relayProtocol, path] of [
        ['udp', 'turn-udp'],
        ['tcp', 'turn-tcp'],
        ['tls', 'turn-tls'],
      ]) {
        // A relay candidate's own protocol is UDP (the relay's side); relayProtocol is ours.
        const local = { candidateType: 'relay', protocol: 'udp', relayProtocol };
        expect(pathOf(withLocal(local))).toBe(path);
      }
    });

    it('finds the selected pair without selectedCandidatePairId (Firefox)', () => {
      const stats = report(
        { id: 'in', type: 'inbound-rtp', kind: 'audio', timestamp: 1, bytesReceived: 1 },
        { id: 'no', type: 'candidate-pair', timestamp: 1, localCandidateId: 'a', state: 'failed' },
        { id: 'cp', type: 'candidate-pair', timestamp: 1, localCandidateId: 'b', selected: true },
        { id: 'a', type: 'local-candidate', timestamp: 1, candidateType: 'host', protocol: 'udp' },
        { id: 'b', type: 'local-candidate', timestamp: 1, candidateType: 'relay', relayProtocol: 'tls' },
      );
      expect(pathOf(stats)).toBe('turn-tls');
    });

    it('is unknown before a pair is selected', () => {
      const stats = report(
        { id: 'in', type: 'inbound-rtp', kind: 'audio', timestamp: 1, bytesReceived: 1 },
        { id: 'tr', type: 'transport', timestamp: 1 },
      );
      expect(pathOf(stats)).toBeNull();
    });
  });
});
