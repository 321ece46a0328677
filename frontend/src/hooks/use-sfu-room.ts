import { useCallback, useSyncExternalStore } from 'react';
import { type RoomSnapshot, type SfuAdapter, initialSnapshot } from '../adapters/sfu-adapter.ts';

/** The adapter's current room state; re-renders when the adapter reports a change. */
export function useSfuRoom(adapter: SfuAdapter | null): RoomSnapshot {
  const subscribe = useCallback(
    (listener: () => void) => (adapter ? adapter.subscribe(listener) : () => undefined),
    [adapter],
  );
  const getSnapshot = useCallback(() => adapter?.getSnapshot() ?? initialSnapshot, [adapter]);
  return useSyncExternalStore(subscribe, getSnapshot);
}
