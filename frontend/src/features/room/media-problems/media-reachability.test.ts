import { describe, expect, it, vi } from 'vitest';
import { type RoomSnapshot, initialSnapshot } from '../../../adapters/sfu-adapter.ts';
import {
  MediaReachabilityWatch,
  UNREACHABLE_AFTER_MS,
  nextReachability,
  reachable,
  recheckIn,
} from './media-reachability.ts';

describe('nextReachability', () => {
  it('waits a few seconds of checking before calling the media server unreachable', () => {
    const waiting = nextReachability(reachable, 'connected', 'checking', 1000);
    expect(waiting).toEqual({ waitingSince: 1000, unreachable: false });
    expect(recheckIn(waiting, 2000)).toBe(UNREACHABLE_AFTER_MS - 1000);
    const later = nextReachability(waiting, 'connected', 'checking', 1000 + UNREACHABLE_AFTER_MS);
    expect(later.unreachable).toBe(true);
    expect(recheckIn(later, 9000)).toBeNull();
  });

  it('says so at once when ICE failed', () => {
    expect(nextReachability(reachable, 'connected', 'failed', 0).unreachable).toBe(true);
  });

  it('keeps the message through a rejoin, and clears it when media connects', () => {
    const failed = nextReachability(reachable, 'connected', 'failed', 0);
    const rejoining = nextReachability(failed, 'reconnecting', 'idle', 10);
    expect(rejoining).toBe(failed);
    const fresh = nextReachability(rejoining, 'connected', 'idle', 20);
    expect(fresh.unreachable).toBe(true);
    expect(nextReachability(fresh, 'connected', 'connected', 30)).toEqual(reachable);
  });

  it('expects nothing while there is nothing to send or receive', () => {
    expect(nextReachability(reachable, 'connected', 'idle', 0)).toBe(reachable);
    expect(recheckIn(reachable, 0)).toBeNull();
  });

  it('blames signalling, not media, before the join and after the call', () => {
    const failed = nextReachability(reachable, 'connected', 'failed', 0);
    expect(nextReachability(failed, 'disconnected', 'failed', 1)).toEqual(reachable);
    expect(nextReachability(reachable, 'connecting', 'checking', 1)).toBe(reachable);
  });

  it('returns the same object while nothing changes (no re-render)', () => {
    const waiting = nextReachability(reachable, 'connected', 'checking', 0);
    expect(nextReachability(waiting, 'connected', 'checking', 100)).toBe(waiting);
  });
});

describe('MediaReachabilityWatch', () => {
  function fakeAdapter() {
    let snapshot = { ...initialSnapshot };
    const listeners = new Set<() => void>();
    return {
      provider: 'embedded',
      subscribe: (listener: () => void) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      getSnapshot: () => snapshot,
      set(patch: Partial<RoomSnapshot>) {
        snapshot = { ...snapshot, ...patch };
        for (const listener of listeners) listener();
      },
      listeners,
    };
  }

  it('turns on after the wait with one log line, and off with another when media arrives', () => {
    vi.useFakeTimers();
    try {
      const adapter = fakeAdapter();
      const log = vi.fn();
      const watch = new MediaReachabilityWatch(adapter, log);
      const changed = vi.fn();
      const stop = watch.subscribe(changed);
      adapter.set({ connectionState: 'connected', mediaConnection: 'checking' });
      vi.advanceTimersByTime(UNREACHABLE_AFTER_MS - 1);
      expect(watch.getSnapshot()).toBe(false);
      vi.advanceTimersByTime(1);
      expect(watch.getSnapshot()).toBe(true);
      expect(changed).toHaveBeenCalledTimes(1);
      expect(log).toHaveBeenCalledWith('warn', expect.stringContaining("can't reach the media server"), {
        problem: 'media_unreachable',
        provider: 'embedded',
        media_connection: 'checking',
        waited_ms: UNREACHABLE_AFTER_MS,
      });

      adapter.set({ mediaConnection: 'connected' });
      expect(watch.getSnapshot()).toBe(false);
      expect(log).toHaveBeenLastCalledWith('info', expect.any(String), {
        problem_cleared: 'media_unreachable',
        provider: 'embedded',
      });
      expect(log).toHaveBeenCalledTimes(2);

      stop();
      expect(adapter.listeners.size).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});
