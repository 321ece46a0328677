import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { RoomChannel } from '../../../services/room-channel.ts';
import { HOST_EVENTS, type HostEventContext, type MutedSource, hearHostEvent } from './announcements.ts';

export interface Announcement {
  key: number;
  text: string;
}

export interface HostEvents {
  /** The latest lines, oldest first; each goes after ANNOUNCEMENT_SHOWN_MS. */
  announcements: readonly Announcement[];
  /** A host muted this participant and they have not acted on it yet. */
  mutedMe: { source: MutedSource; by: string } | null;
  dismissMuted: () => void;
}

export const ANNOUNCEMENT_SHOWN_MS = 6000;
const KEPT = 4;

/** The room's host actions as this participant hears them, from the room channel. */
export function useHostEvents(channel: RoomChannel | null, context: HostEventContext): HostEvents {
  const [announcements, setAnnouncements] = useState<readonly Announcement[]>([]);
  const [mutedMe, setMutedMe] = useState<HostEvents['mutedMe']>(null);
  // Read at each event: names and the own id change while the channel stays the same.
  const latest = useRef(context);
  useLayoutEffect(() => {
    latest.current = context;
  });
  const nextKey = useRef(0);

  useEffect(() => {
    if (!channel) return;
    let live = true;
    const timers = new Set<ReturnType<typeof setTimeout>>();
    for (const event of HOST_EVENTS) {
      channel.on(event, (payload) => {
        if (!live) return;
        const heard = hearHostEvent(event, payload, latest.current);
        if (heard.mutedMe) setMutedMe(heard.mutedMe);
        const line = heard.text;
        if (line === null) return;
        nextKey.current += 1;
        const key = nextKey.current;
        setAnnouncements((shown) => [...shown, { key, text: line }].slice(-KEPT));
        const timer = setTimeout(() => {
          timers.delete(timer);
          setAnnouncements((shown) => shown.filter((item) => item.key !== key));
        }, ANNOUNCEMENT_SHOWN_MS);
        timers.add(timer);
      });
    }
    return () => {
      // phoenix keeps the callbacks for the channel's life: they go quiet instead.
      live = false;
      for (const timer of timers) clearTimeout(timer);
    };
  }, [channel]);

  const dismissMuted = useCallback(() => {
    setMutedMe(null);
  }, []);
  return { announcements, mutedMe, dismissMuted };
}
