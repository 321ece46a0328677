// Reduces a WebRTC stats report (any SFU: it is the browser's standard format) to the few
// figures worth shipping: bitrate, loss, round-trip time, resolution, frame rate, and the
// network path the media takes (so an operator sees "relayed over TLS" in /logs).

/**
 * How this browser reaches the SFU: direct over UDP or TCP (ICE/TCP), or through a TURN relay
 * reached over UDP, TCP or TLS. Read from the local candidate of the selected pair.
 */
export type ConnectionPath = 'udp' | 'tcp' | 'turn-udp' | 'turn-tcp' | 'turn-tls';

export interface StreamFigures {
  kind: 'audio' | 'video';
  bitrateKbps: number | null;
  packetsLost: number | null;
  packetLossPercent: number | null;
  roundTripMs: number | null;
  jitterMs: number | null;
  width: number | null;
  height: number | null;
  framesPerSecond: number | null;
  path: ConnectionPath | null;
  /** Inbound: frames decoded and packets received so far (the first of each marks first media). */
  framesDecoded: number | null;
  packetsReceived: number | null;
  /** Inbound video: freezes the browser counted so far (Chromium; null elsewhere). */
  freezeCount: number | null;
  /** Outbound video: why the browser sends less than it could (`bandwidth`, `cpu`, `none`). */
  qualityLimitation: string | null;
}

export interface ByteSample {
  bytes: number;
  timestampMs: number;
}

type Stat = Record<string, unknown> & { id: string; type: string; timestamp: number };

function num(stat: Stat | undefined, key: string): number | null {
  const value = stat?.[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function round(value: number | null, digits = 1): number | null {
  if (value === null) return null;
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

function sum(values: (number | null)[]): number | null {
  const present = values.filter((value): value is number => value !== null);
  return present.length === 0 ? null : present.reduce((a, b) => a + b, 0);
}

function max(values: (number | null)[]): number | null {
  const present = values.filter((value): value is number => value !== null);
  return present.length === 0 ? null : Math.max(...present);
}

/**
 * Summarises the RTP streams of one direction in `report`. Simulcast sends several
 * outbound layers for one track: their bitrates add up, resolution is the largest layer's.
 * `previous` holds each stream's byte count from the last call so a bitrate can be derived;
 * it is updated in place.
 */
export function summarizeStats(
  report: RTCStatsReport,
  direction: 'inbound' | 'outbound',
  previous: Map<string, ByteSample>,
): StreamFigures | null {
  const stats = new Map<string, Stat>();
  report.forEach((value: Stat) => {
    stats.set(value.id, value);
  });
  const rtpType = direction === 'inbound' ? 'inbound-rtp' : 'outbound-rtp';
  const streams = [...stats.values()].filter((stat) => stat.type === rtpType);
  const first = streams[0];
  if (!first) return null;
  const kind = first.kind === 'audio' ? 'audio' : 'video';

  const bitrates = streams.map((stream) => {
    const bytes = num(stream, direction === 'inbound' ? 'bytesReceived' : 'bytesSent');
    if (bytes === null) return null;
    const last = previous.get(stream.id);
    previous.set(stream.id, { bytes, timestampMs: stream.timestamp });
    if (!last || stream.timestamp <= last.timestampMs) return null;
    return ((bytes - last.bytes) * 8) / (stream.timestamp - last.timestampMs);
  });

  let packetsLost: number | null;
  let packetLossPercent: number | null = null;
  let roundTripSeconds: number | null;
  let jitterSeconds: number | null;
  if (direction === 'inbound') {
    packetsLost = sum(streams.map((stream) => num(stream, 'packetsLost')));
    const received = sum(streams.map((stream) => num(stream, 'packetsReceived')));
    if (packetsLost !== null && received !== null && packetsLost + received > 0) {
      packetLossPercent = (100 * packetsLost) / (packetsLost + received);
    }
    jitterSeconds = max(streams.map((stream) => num(stream, 'jitter')));
    roundTripSeconds = selectedPairRtt(stats);
  } else {
    // The receiver's view of our stream comes back in remote-inbound-rtp reports.
    const remotes = [...stats.values()].filter((stat) => stat.type === 'remote-inbound-rtp');
    packetsLost = sum(remotes.map((remote) => num(remote, 'packetsLost')));
    const fraction = max(remotes.map((remote) => num(remote, 'fractionLost')));
    packetLossPercent = fraction === null ? null : fraction * 100;
    jitterSeconds = max(remotes.map((remote) => num(remote, 'jitter')));
    roundTripSeconds =
      max(remotes.map((remote) => num(remote, 'roundTripTime'))) ?? selectedPairRtt(stats);
  }

  return {
    kind,
    bitrateKbps: round(sum(bitrates)),
    packetsLost,
    packetLossPercent: round(packetLossPercent, 2),
    roundTripMs: round(roundTripSeconds === null ? null : roundTripSeconds * 1000),
    jitterMs: round(jitterSeconds === null ? null : jitterSeconds * 1000),
    width: max(streams.map((stream) => num(stream, 'frameWidth'))),
    height: max(streams.map((stream) => num(stream, 'frameHeight'))),
    framesPerSecond: round(max(streams.map((stream) => num(stream, 'framesPerSecond')))),
    path: connectionPath(stats),
    framesDecoded: direction === 'inbound' ? sum(streams.map((s) => num(s, 'framesDecoded'))) : null,
    packetsReceived:
      direction === 'inbound' ? sum(streams.map((s) => num(s, 'packetsReceived'))) : null,
    freezeCount: direction === 'inbound' ? sum(streams.map((s) => num(s, 'freezeCount'))) : null,
    qualityLimitation: direction === 'outbound' ? limitation(streams) : null,
  };
}

/** The most telling reason among simulcast layers: any limit beats `none`. */
function limitation(streams: Stat[]): string | null {
  const reasons = streams
    .map((stream) => stream.qualityLimitationReason)
    .filter((reason): reason is string => typeof reason === 'string');
  return reasons.find((reason) => reason !== 'none') ?? reasons[0] ?? null;
}

function selectedPair(stats: Map<string, Stat>): Stat | undefined {
  for (const stat of stats.values()) {
    if (stat.type !== 'transport') continue;
    const pairId = stat.selectedCandidatePairId;
    if (typeof pairId === 'string') return stats.get(pairId);
  }
  // Firefox has no selectedCandidatePairId: its selected pair is flagged instead.
  for (const stat of stats.values()) {
    if (stat.type !== 'candidate-pair') continue;
    if (stat.selected === true) return stat;
    if (stat.nominated === true && stat.state === 'succeeded') return stat;
  }
  return undefined;
}

function selectedPairRtt(stats: Map<string, Stat>): number | null {
  return num(selectedPair(stats), 'currentRoundTripTime');
}

const relayPaths: Record<string, ConnectionPath> = {
  udp: 'turn-udp',
  tcp: 'turn-tcp',
  tls: 'turn-tls',
};

function connectionPath(stats: Map<string, Stat>): ConnectionPath | null {
  const localId = selectedPair(stats)?.localCandidateId;
  const local = typeof localId === 'string' ? stats.get(localId) : undefined;
  if (!local) return null;
  if (local.candidateType === 'relay') {
    const relayProtocol = local.relayProtocol;
    return typeof relayProtocol === 'string' ? (relayPaths[relayProtocol] ?? null) : null;
  }
  if (local.protocol === 'udp') return 'udp';
  if (local.protocol === 'tcp') return 'tcp';
  return null;
}
