// When to tell a participant "Can't reach the media server": signalling works (the call and
// its people show) but the media transport has not connected for a while. ICE that is still
// checking after a few seconds has almost always met a network that drops UDP; waiting for
// the browser's own "failed" (about 30 s) would leave a tile without picture for too long.
import type {
  AdapterLog,
  ConnectionState,
  MediaConnection,
  SfuAdapter,
} from '../../../adapters/sfu-adapter.ts';

export const UNREACHABLE_AFTER_MS = 5000;

export interface Reachability {
  /** Since when media has been expected and not connected (ms), or null. */
  waitingSince: number | null;
  unreachable: boolean;
}

export const reachable: Reachability = { waitingSince: null, unreachable: false };

export function nextReachability(
  previous: Reachability,
  signalling: ConnectionState,
  media: MediaConnection,
  now: number,
): Reachability {
  if (media === 'connected') return reachable;
  if (signalling === 'disconnected' || signalling === 'failed' || signalling === 'idle') {
    return reachable;
  }
  // A rejoin's fresh connections start idle: the wait goes on through it, the message stays.
  if (media === 'idle' || signalling !== 'connected') return previous;
  const waitingSince = previous.waitingSince ?? now;
  const unreachable = media === 'failed' || now - waitingSince >= UNREACHABLE_AFTER_MS;
  if (previous.waitingSince === waitingSince && previous.unreachable === unreachable) {
    return previous;
  }
  return { waitingSince, unreachable };
}

/** When to look again (ms from now), or null when only an adapter change can alter it. */
export function recheckIn(state: Reachability, now: number): number | null {
  if (state.unreachable || state.waitingSince === null) return null;
  return Math.max(0, state.waitingSince + UNREACHABLE_AFTER_MS - now);
}

type Watched = Pick<SfuAdapter, 'provider' | 'subscribe' | 'getSnapshot'>;

/**
 * Follows an adapter's snapshots (and the clock, between them) and says whether media is
 * unreachable; logs one line when that starts and one when media arrives. An external store
 * for useSyncExternalStore: `subscribe` and `getSnapshot` are bound.
 */
export class MediaReachabilityWatch {
  private state = reachable;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly listeners = new Set<() => void>();
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly adapter: Watched,
    private readonly log: AdapterLog,
    private readonly now: () => number = Date.now,
  ) {}

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    if (!this.unsubscribe) {
      this.unsubscribe = this.adapter.subscribe(() => {
        this.check();
      });
      this.check();
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size > 0) return;
      this.unsubscribe?.();
      this.unsubscribe = null;
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
    };
  };

  readonly getSnapshot = (): boolean => this.state.unreachable;

  private check(): void {
    const { connectionState, mediaConnection } = this.adapter.getSnapshot();
    const now = this.now();
    const previous = this.state;
    this.state = nextReachability(previous, connectionState, mediaConnection, now);
    if (this.timer) clearTimeout(this.timer);
    const wait = recheckIn(this.state, now);
    this.timer = wait === null ? null : setTimeout(() => {
      this.check();
    }, wait);
    if (this.state.unreachable === previous.unreachable) return;
    const provider = this.adapter.provider;
    if (this.state.unreachable) {
      this.log('warn', "can't reach the media server: signalling works, media does not connect", {
        problem: 'media_unreachable',
        provider,
        media_connection: mediaConnection,
        waited_ms: now - (this.state.waitingSince ?? now),
      });
    } else {
      this.log('info', 'media connected after the media server was unreachable', {
        problem_cleared: 'media_unreachable',
        provider,
      });
    }
    for (const listener of this.listeners) listener();
  }
}
