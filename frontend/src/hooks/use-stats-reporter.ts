import { useEffect, useRef, useState } from 'react';
import type { SfuAdapter, StreamStats } from '../adapters/sfu-adapter.ts';
import { CallQualityTracker } from '../services/call-quality.ts';
import { logger } from '../services/debug-logger.ts';
import { joinStartedAt } from '../services/join-clock.ts';

/** Until first media arrives, stats are read this often so its time is close to the truth. */
const FIRST_MEDIA_POLL_MS = 200;
const FIRST_MEDIA_POLL_FOR_MS = 30_000;

/**
 * Ships a summary of every stream's WebRTC stats to the debug service while connected, with the
 * call's quality moments (first remote frame and audio, freezes, reconnects, call-quality.ts),
 * and returns the latest sample (the tiles show each participant's path from it).
 */
export function useStatsReporter(
  adapter: SfuAdapter | null,
  active: boolean,
  intervalMs = 5000,
): readonly StreamStats[] {
  const [latest, setLatest] = useState<readonly StreamStats[]>([]);
  const tracker = useRef<CallQualityTracker | null>(null);

  useEffect(() => {
    if (!adapter) return;
    const current = new CallQualityTracker(joinStartedAt() ?? performance.now(), (level, message, metadata) => {
      logger[level](message, metadata);
    });
    tracker.current = current;
    current.connectionChanged(adapter.getSnapshot().connectionState);
    const unsubscribe = adapter.subscribe(() => {
      current.connectionChanged(adapter.getSnapshot().connectionState);
    });
    return () => {
      unsubscribe();
      tracker.current = null;
    };
  }, [adapter]);

  useEffect(() => {
    if (!adapter || !active) return;
    let stopped = false;
    const firstMediaUntil = performance.now() + FIRST_MEDIA_POLL_FOR_MS;
    const pollFirstMedia = () => {
      const current = tracker.current;
      if (stopped || !current?.waitingForFirstMedia || performance.now() > firstMediaUntil) return;
      adapter
        .getStats()
        .then((streams) => {
          current.observe(streams);
        })
        .catch(() => undefined)
        .finally(() => {
          if (!stopped) setTimeout(pollFirstMedia, FIRST_MEDIA_POLL_MS);
        });
    };
    pollFirstMedia();
    let running = false;
    const timer = setInterval(() => {
      // A slow getStats must not pile up calls behind it.
      if (running) return;
      running = true;
      adapter
        .getStats()
        .then((streams) => {
          setLatest(streams);
          tracker.current?.observe(streams);
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
      stopped = true;
      clearInterval(timer);
    };
  }, [adapter, active, intervalMs]);
  return latest;
}
