import { useMemo, useSyncExternalStore } from 'react';
import type { SfuAdapter } from '../../../adapters/sfu-adapter.ts';
import { logger } from '../../../services/debug-logger.ts';
import { MediaReachabilityWatch } from './media-reachability.ts';

/** True while signalling works and media has not connected for a few seconds. */
export function useMediaUnreachable(adapter: SfuAdapter): boolean {
  const watch = useMemo(
    () =>
      new MediaReachabilityWatch(adapter, (level, message, metadata) => {
        logger.log(level, message, metadata);
      }),
    [adapter],
  );
  return useSyncExternalStore(watch.subscribe, watch.getSnapshot);
}
