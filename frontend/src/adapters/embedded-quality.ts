// Connection quality for the embedded SFU, which (unlike LiveKit) does not send any: ours from
// what the SFU reports back about our streams, each other participant's from what we receive
// of theirs (loss and round-trip time in the browser's own stats).
import { type ByteSample, type StreamFigures, summarizeStats } from '../services/webrtc-stats.ts';
import { toQuality } from './embedded-mapping.ts';
import type { Publisher, Subscriber } from './embedded-peers.ts';
import type { ConnectionQuality } from './sfu-adapter.ts';

export function worstQuality(figures: (StreamFigures | null)[]): ConnectionQuality {
  const present = figures.filter((value) => value !== null);
  const loss = Math.max(-1, ...present.map((value) => value.packetLossPercent ?? -1));
  const rtt = Math.max(-1, ...present.map((value) => value.roundTripMs ?? -1));
  return toQuality(loss < 0 ? null : loss, rtt < 0 ? null : rtt);
}

export async function measureQuality(
  localId: string,
  publisher: Publisher,
  subscriber: Subscriber | null,
  samples: Map<string, ByteSample>,
): Promise<Map<string, ConnectionQuality>> {
  const quality = new Map<string, ConnectionQuality>();
  const published = await Promise.all(
    publisher
      .senders()
      .map(async ({ sender }) => summarizeStats(await sender.getStats(), 'outbound', samples)),
  );
  quality.set(localId, worstQuality(published));
  const byParticipant = new Map<string, (StreamFigures | null)[]>();
  for (const { ref, receiver } of subscriber?.tracks().values() ?? []) {
    const figures = summarizeStats(await receiver.getStats(), 'inbound', samples);
    byParticipant.set(ref.participant, [...(byParticipant.get(ref.participant) ?? []), figures]);
  }
  for (const [id, figures] of byParticipant) quality.set(id, worstQuality(figures));
  return quality;
}
