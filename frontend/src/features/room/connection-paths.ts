import type { StreamStats } from '../../adapters/sfu-adapter.ts';
import type { ConnectionPath } from '../../services/webrtc-stats.ts';

/**
 * Each participant's path from one stats sample: the local participant's from what it sends,
 * everyone else's from what this browser receives of theirs (the first stream that has one).
 */
export function pathsByParticipant(streams: readonly StreamStats[]): Map<string, ConnectionPath> {
  const paths = new Map<string, ConnectionPath>();
  for (const stream of streams) {
    if (stream.path !== null && !paths.has(stream.participantId)) {
      paths.set(stream.participantId, stream.path);
    }
  }
  return paths;
}
