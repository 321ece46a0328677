// What the room is told when a host acts (docs/realtime.md, "Events the server broadcasts"):
// one line for everyone ("Ada removed Bob"), and for the one muted a notice of its own, since
// they may unmute themselves. Pure, so every wording is tested without a channel.

export type MutedSource = 'microphone' | 'camera';

/** The announced events, in the order they are listened to. */
export const HOST_EVENTS = [
  'participant:muted',
  'participant:removed',
  'participant:role',
  'room:locked',
  'lobby:changed',
] as const;
export type HostEvent = (typeof HOST_EVENTS)[number];

export interface HostEventContext {
  ownId: string | null;
  /** The name of a participant present in the room (the mute broadcast carries only ids). */
  nameOf: (participantId: string) => string | undefined;
}

export interface Heard {
  /** The line shown to this participant, or null when there is nothing to say. */
  text: string | null;
  /** Set when a host muted this participant: they see "The host muted you". */
  mutedMe: { source: MutedSource; by: string } | null;
}

interface Payload {
  participant_id?: unknown;
  participant_ids?: unknown;
  name?: unknown;
  by?: unknown;
  by_name?: unknown;
  everyone?: unknown;
  source?: unknown;
  role?: unknown;
  reason?: unknown;
  locked?: unknown;
  enabled?: unknown;
}

const text = (value: unknown, fallback: string) => (typeof value === 'string' ? value : fallback);

function muted(p: Payload, ctx: HostEventContext): Heard {
  const source: MutedSource = p.source === 'camera' ? 'camera' : 'microphone';
  const by = text(p.by_name, 'A host');
  const ids = Array.isArray(p.participant_ids) ? p.participant_ids.filter((id) => typeof id === 'string') : [];
  const mutedMe = ctx.ownId !== null && ids.includes(ctx.ownId) && p.by !== ctx.ownId ? { source, by } : null;
  if (p.everyone === true) {
    return { text: source === 'camera' ? `${by} turned off everyone's camera` : `${by} muted everyone`, mutedMe };
  }
  const others = ids.filter((id) => id !== ctx.ownId).map((id) => ctx.nameOf(id) ?? 'someone');
  if (others.length === 0) return { text: null, mutedMe };
  const names = others.join(', ');
  return { text: source === 'camera' ? `${by} turned off ${names}'s camera` : `${by} muted ${names}`, mutedMe };
}

function role(p: Payload, ctx: HostEventContext): string {
  const mine = p.participant_id === ctx.ownId;
  const name = text(p.name, 'someone');
  const by = text(p.by_name, 'A host');
  if (p.reason === 'handover') return mine ? 'You are now the host' : `${name} is now the host`;
  if (p.role === 'cohost') return mine ? `${by} made you a co-host` : `${by} made ${name} a co-host`;
  return mine ? `${by} took back your co-host role` : `${by} took back ${name}'s co-host role`;
}

/** What `event` means to this participant. */
export function hearHostEvent(event: HostEvent, payload: unknown, ctx: HostEventContext): Heard {
  const p = (payload ?? {}) as Payload;
  const by = text(p.by_name, 'A host');
  const line = (value: string | null): Heard => ({ text: value, mutedMe: null });
  switch (event) {
    case 'participant:muted':
      return muted(p, ctx);
    case 'participant:removed':
      // The removed one gets a page of its own ("You were removed from the room").
      return line(p.participant_id === ctx.ownId ? null : `${by} removed ${text(p.name, 'someone')}`);
    case 'participant:role':
      return line(role(p, ctx));
    case 'room:locked':
      return line(p.locked === true ? `${by} locked the room` : `${by} unlocked the room`);
    case 'lobby:changed':
      return line(p.enabled === true ? `${by} turned the lobby on` : `${by} turned the lobby off`);
  }
}
