// Connection quality graded from the browser's own stats, shared by both adapters: the embedded
// SFU sends no quality at all, and LiveKit sends a participant's only when someone's changes
// (its room's quality worker) or when one subscribes to them, so a remote tile can wait for it
// for the whole call. Thresholds as LiveKit's.
import type { StreamFigures } from '../services/webrtc-stats.ts';
import type { ConnectionQuality } from './sfu-adapter.ts';

/** Loss in percent and round-trip time in ms to the bars the UI shows. */
export function toQuality(
  lossPercent: number | null,
  roundTripMs: number | null,
): ConnectionQuality {
  if (lossPercent === null && roundTripMs === null) return 'unknown';
  const loss = lossPercent ?? 0;
  const rtt = roundTripMs ?? 0;
  if (loss > 20) return 'lost';
  if (loss > 5 || rtt > 400) return 'poor';
  if (loss > 2 || rtt > 200) return 'good';
  return 'excellent';
}

/** The worst of a participant's streams: one lossy track is what the person notices. */
export function worstQuality(figures: (StreamFigures | null)[]): ConnectionQuality {
  const present = figures.filter((value) => value !== null);
  const loss = Math.max(-1, ...present.map((value) => value.packetLossPercent ?? -1));
  const rtt = Math.max(-1, ...present.map((value) => value.roundTripMs ?? -1));
  return toQuality(loss < 0 ? null : loss, rtt < 0 ? null : rtt);
}
