// The quality of remote participants LiveKit has not graded, from what this browser receives of
// them (loss and round-trip time of their inbound streams). LiveKit sends a participant's
// quality only when someone's changes or on subscription, so on a steady call a tile could
// say "unknown" for good; its own figure still wins once it arrives.
import type { Participant } from 'livekit-client';
import { type ByteSample, type StreamFigures, summarizeStats } from '../../services/webrtc-stats.ts';
import { worstQuality } from '../connection-quality.ts';
import type { ConnectionQuality } from '../sfu-adapter.ts';
import { toConnectionQuality } from './livekit-mapping.ts';

export async function measureUngradedQuality(
  remotes: Iterable<Participant>,
  samples: Map<string, ByteSample>,
): Promise<Map<string, ConnectionQuality>> {
  const ungraded = [...remotes].filter(
    (participant) => toConnectionQuality(participant.connectionQuality) === 'unknown',
  );
  const entries = await Promise.all(
    ungraded.map(async (participant) => {
      const figures: (StreamFigures | null)[] = await Promise.all(
        [...participant.trackPublications.values()].map(async ({ track }) => {
          const report = await track?.getRTCStatsReport();
          return report ? summarizeStats(report, 'inbound', samples) : null;
        }),
      );
      return [participant.identity, worstQuality(figures)] as const;
    }),
  );
  return new Map(entries);
}
