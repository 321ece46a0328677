import { useEffect, useState } from 'react';
import type { SfuAdapter, StreamStats } from '../adapters/sfu-adapter.ts';
import { logger } from '../services/debug-logger.ts';

/**
 * Ships a summary of every stream's WebRTC stats to the debug service while connected, and
 * returns the latest sample (the tiles show each participant's path from it).
 */
export function useStatsReporter(
  adapter: SfuAdapter | null,
  active: boolean,
  intervalMs = 5000,
): readonly StreamStats[] {
  const [latest, setLatest] = useState<readonly StreamStats[]>([]);
  useEffect(() => {
    if (!adapter || !active) return;
    let running = false;
    const timer = setInterval(() => {
      // A slow getStats must not pile up calls behind it.
      if (running) return;
      running = true;
      adapter
        .getStats()
        .then((streams) => {
          setLatest(streams);
          if (streams.length > 0) logger.info('webrtc stats', { streams });
        })
        .catch((error: unknown) => {
          logger.warn('could not read webrtc stats', { error: String(error) });
        })
        .finally(() => {
          running = false;
        });
    }, intervalMs);
    return () => {
      clearInterval(timer);
    };
  }, [adapter, active, intervalMs]);
  return latest;
}
