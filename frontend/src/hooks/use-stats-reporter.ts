import { useEffect } from 'react';
import type { SfuAdapter } from '../adapters/sfu-adapter.ts';
import { logger } from '../services/debug-logger.ts';

/** Ships a summary of every stream's WebRTC stats to the debug service while connected. */
export function useStatsReporter(adapter: SfuAdapter | null, active: boolean, intervalMs = 5000) {
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
}
