// Stream figures and connection quality for the embedded SFU, from the browser's own stats.
// The SFU (unlike LiveKit) sends no quality: ours comes from what it reports back about our
// streams, each other participant's from what we receive of theirs (loss and round-trip time).
import { type ByteSample, type StreamFigures, summarizeStats } from '../../services/webrtc-stats.ts';
import { worstQuality } from '../connection-quality.ts';
import type { Publisher, Subscriber } from './embedded-peers.ts';
import type { ConnectionQuality, StreamStats } from '../sfu-adapter.ts';

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

/** Every stream we send and receive, in the same shape as the LiveKit adapter reports. */
export async function collectStats(
  localId: string,
  publisher: Publisher,
  subscriber: Subscriber | null,
  samples: Map<string, ByteSample>,
): Promise<StreamStats[]> {
  const streams = [
    ...publisher.senders().map(({ source, sender }) => ({
      participantId: localId,
      direction: 'outbound' as const,
      source,
      report: sender.getStats(),
    })),
    ...[...(subscriber?.tracks().values() ?? [])].map(({ ref, receiver }) => ({
      participantId: ref.participant,
      direction: 'inbound' as const,
      source: ref.source,
      report: receiver.getStats(),
    })),
  ];
  const results = await Promise.all(
    streams.map(async ({ report, ...stream }) => {
      const figures = summarizeStats(await report, stream.direction, samples);
      return figures ? { ...stream, ...figures } : null;
    }),
  );
  return results.filter((stats) => stats !== null);
}
