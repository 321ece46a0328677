import { act, renderHook } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { type RoomSnapshot, type SfuAdapter, initialSnapshot } from '../adapters/sfu-adapter.ts';
import { useSfuRoom } from './use-sfu-room.ts';

/** The store half of an adapter: a snapshot and its listeners. */
function storeAdapter() {
  let snapshot: RoomSnapshot = initialSnapshot;
  const listeners = new Set<() => void>();
  const adapter = {
    subscribe(listener: () => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    getSnapshot: () => snapshot,
  } as unknown as SfuAdapter;
  const publish = (patch: Partial<RoomSnapshot>) => {
    snapshot = { ...snapshot, ...patch };
    for (const listener of listeners) listener();
  };
  return { adapter, publish, listeners };
}

describe('useSfuRoom', () => {
  it('is the initial snapshot without an adapter', () => {
    const { result } = renderHook(() => useSfuRoom(null));
    expect(result.current).toBe(initialSnapshot);
  });

  it('re-renders with each snapshot the adapter publishes', () => {
    const { adapter, publish } = storeAdapter();
    const { result } = renderHook(() => useSfuRoom(adapter));
    act(() => {
      publish({ connectionState: 'reconnecting' });
    });
    expect(result.current.connectionState).toBe('reconnecting');
  });

  it('subscribes once and unsubscribes on unmount', () => {
    const { adapter, listeners } = storeAdapter();
    const { rerender, unmount } = renderHook(() => useSfuRoom(adapter));
    rerender();
    rerender();
    expect(listeners.size).toBe(1);
    unmount();
    expect(listeners.size).toBe(0);
  });
});
