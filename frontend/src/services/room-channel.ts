// The room's realtime channel (docs/realtime.md): presence, chat with history, raised hands,
// reactions, the host ending the room, and token renewal. State is one immutable snapshot, read
// with subscribe/getSnapshot like the SFU adapters. The channel itself is injected, so the state
// handling is tested against a small fake; `openRoomChannel` makes the real phoenix one.
import { Presence, Socket } from 'phoenix';
import type { ConnectionPath } from './webrtc-stats.ts';
import { type Roles, rolesFrom, withRoleChange } from './room-roles.ts';
import { type PushLike, TokenRenewal, reasonOf } from './token-renewal.ts';

export type { PushLike } from './token-renewal.ts';

export interface ChatMessage {
  id: number;
  participant_id: string;
  name: string;
  text: string;
  sent_at: string;
}

export interface PresentPerson {
  id: string;
  name: string;
  joinedAt: string;
  handRaised: boolean;
  /** How this person reaches the SFU, as their own browser measures and announces it. */
  path: ConnectionPath | null;
}

export interface ShownReaction {
  key: number;
  participantId: string;
  name: string;
  emoji: string;
}

export type ChannelStatus = 'joining' | 'joined' | 'reconnecting' | 'closed' | 'removed' | 'failed';

export interface RoomChannelState {
  status: ChannelStatus;
  error: string | null;
  participantId: string | null;
  /** Whether this participant has a host's powers now (its role, kept current). */
  isHost: boolean;
  roles: Roles;
  /** New joins are refused while a host keeps the room locked. */
  locked: boolean;
  messages: readonly ChatMessage[];
  people: readonly PresentPerson[];
  unread: number;
  chatOpen: boolean;
  reactions: readonly ShownReaction[];
}

/** What this module needs of a phoenix Channel (the real one satisfies it). */
export interface ChannelLike {
  on(event: string, callback: (payload: unknown) => void): number;
  onError(callback: (reason?: unknown) => void): number;
  join(): PushLike;
  push(event: string, payload: object): PushLike;
  leave(): PushLike;
  joinRef(): string;
}

interface JoinReply {
  participant_id: string;
  is_host: boolean;
  roles?: unknown;
  locked?: boolean;
  token_expires_at: string;
  messages: ChatMessage[];
}

interface PresenceMeta {
  name: string;
  joined_at: string;
  hand_raised: boolean;
  path?: ConnectionPath | null;
}

export const MAX_CHAT_LENGTH = 2000;
/** Messages kept in memory (the server returns the last 200 on join). */
const KEPT_MESSAGES = 500;
export const REACTION_SHOWN_MS = 4000;

export class ChatError extends Error {}


/** Merges messages by id (the server's increasing integer), oldest first, without duplicates. */
export function mergeMessages(
  current: readonly ChatMessage[],
  incoming: readonly ChatMessage[],
): ChatMessage[] {
  const byId = new Map<number, ChatMessage>();
  for (const message of current) byId.set(message.id, message);
  for (const message of incoming) byId.set(message.id, message);
  return [...byId.values()].sort((a, b) => a.id - b.id).slice(-KEPT_MESSAGES);
}

export interface RoomChannelOptions {
  /** The current token, for renewal bookkeeping; the channel's params read it at each join. */
  setToken: (token: string) => void;
  /** Called when a rejoin is refused as unauthorized: a fresh token (REST join again). */
  refreshToken?: () => Promise<string>;
  now?: () => number;
}

/** A channel's state before it has joined (also what a page shows while there is none). */
export const initialRoomChannelState: RoomChannelState = {
  status: 'joining',
  error: null,
  participantId: null,
  isHost: false,
  roles: {},
  locked: false,
  messages: [],
  people: [],
  unread: 0,
  chatOpen: false,
  reactions: [],
};

export class RoomChannel {
  private state: RoomChannelState = initialRoomChannelState;
  private readonly listeners = new Set<() => void>();
  private readonly presence: Presence;
  private readonly renewal: TokenRenewal;
  private reactionKey = 0;
  private joinedOnce = false;
  private announcedPath: ConnectionPath | null = null;
  private disposed = false;

  constructor(
    private readonly channel: ChannelLike,
    private readonly options: RoomChannelOptions,
  ) {
    this.renewal = new TokenRenewal({
      push: (event, payload) => channel.push(event, payload),
      setToken: (token) => {
        options.setToken(token);
      },
      onFinalRefusal: (message) => {
        this.update({ error: message });
      },
      now: options.now,
    });
    // phoenix's Presence only calls on() and joinRef(), which ChannelLike has.
    this.presence = new Presence(channel as never);
    this.presence.onSync(() => {
      this.update({ people: this.listPeople() });
    });
    channel.on('chat', (payload) => {
      this.receiveMessages([payload as ChatMessage], true);
    });
    channel.on('reaction', (payload) => {
      this.showReaction(payload as { participant_id: string; name: string; emoji: string });
    });
    channel.on('room:closed', () => {
      this.update({ status: 'closed' });
    });
    channel.on('participant:removed', (payload) => {
      if ((payload as { participant_id?: unknown }).participant_id === this.state.participantId) {
        this.update({ status: 'removed' });
      }
    });
    channel.on('participant:role', (payload) => {
      const roles = withRoleChange(this.state.roles, payload);
      const own = this.state.participantId;
      this.update({ roles, isHost: own !== null && own in roles });
    });
    channel.on('room:locked', (payload) => {
      this.update({ locked: (payload as { locked?: unknown }).locked === true });
    });
    channel.onError(() => {
      if (this.state.status === 'joined') this.update({ status: 'reconnecting' });
    });
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): RoomChannelState => this.state;

  /** Joins; phoenix rejoins by itself after every reconnect, each reply handled here. */
  join(): void {
    this.channel
      .join()
      .receive('ok', (response) => {
        this.joined(response as JoinReply);
      })
      .receive('error', (response) => {
        this.joinRefused(response);
      });
  }

  leave(): void {
    this.disposed = true;
    this.renewal.stop();
    this.channel.leave();
    this.listeners.clear();
  }

  setChatOpen(open: boolean): void {
    this.update(open ? { chatOpen: true, unread: 0 } : { chatOpen: false });
  }

  sendChat(text: string): Promise<void> {
    const trimmed = text.trim();
    if (!trimmed) return Promise.reject(new ChatError('The message is empty'));
    if (text.length > MAX_CHAT_LENGTH) {
      return Promise.reject(new ChatError(`Messages are at most ${MAX_CHAT_LENGTH} characters`));
    }
    return this.request('chat', { text }).then((message) => {
      this.receiveMessages([message as ChatMessage], false);
    });
  }

  setHand(raised: boolean): Promise<void> {
    return this.request('hand', { raised }).then(() => undefined);
  }

  /** Tell the others how this browser reaches the SFU (sent only when it changes). */
  announcePath(path: ConnectionPath): Promise<void> {
    if (path === this.announcedPath) return Promise.resolve();
    this.announcedPath = path;
    return this.request('path', { path }).then(
      () => undefined,
      (error: unknown) => {
        this.announcedPath = null;
        throw error;
      },
    );
  }

  react(emoji: string): Promise<void> {
    return this.request('reaction', { emoji }).then(() => undefined);
  }

  endRoom(): Promise<void> {
    return this.request('end_room', {}).then(() => undefined);
  }

  /** Events of features that keep their own state (the hosts' lobby, `features/room/lobby`). */
  on(event: string, callback: (payload: unknown) => void): void {
    this.channel.on(event, callback);
  }

  /** Pushes `event`; resolves with the server's reply, rejects with its reason. */
  send(event: string, payload: object): Promise<unknown> {
    return this.request(event, payload);
  }

  private request(event: string, payload: object): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.channel
        .push(event, payload)
        .receive('ok', resolve)
        .receive('error', (response) => {
          reject(new ChatError(reasonOf(response)));
        })
        .receive('timeout', () => {
          reject(new ChatError('The server did not answer in time'));
        });
    });
  }

  private joined(reply: JoinReply): void {
    const known = new Set(this.state.messages.map((message) => message.id));
    // Messages that arrived while this tab was away count as unread, the first history does not.
    const missed = this.joinedOnce
      ? reply.messages.filter((m) => !known.has(m.id) && m.participant_id !== reply.participant_id)
      : [];
    this.joinedOnce = true;
    this.update({
      status: 'joined',
      error: null,
      participantId: reply.participant_id,
      isHost: reply.is_host,
      roles: rolesFrom(reply.roles),
      locked: reply.locked === true,
      messages: mergeMessages(this.state.messages, reply.messages),
      unread: this.state.chatOpen ? 0 : this.state.unread + missed.length,
    });
    // A rejoin starts a fresh presence entry: say again what the last one said.
    const path = this.announcedPath;
    this.announcedPath = null;
    if (path) this.announcePath(path).catch(() => undefined);
    this.renewal.schedule(reply.token_expires_at);
  }

  private joinRefused(response: unknown): void {
    const reason = (response as { reason?: unknown } | null)?.reason;
    if (reason === 'room_closed' || reason === 'participant_removed') {
      this.update({ status: reason === 'room_closed' ? 'closed' : 'removed' });
      this.channel.leave();
      return;
    }
    this.update({ status: this.joinedOnce ? 'reconnecting' : 'failed', error: reasonOf(response) });
    // phoenix retries the join by itself; make sure the next attempt carries a valid token.
    if (reason === 'unauthorized' && this.options.refreshToken) {
      this.options.refreshToken().then(this.options.setToken, () => undefined);
    }
  }

  private receiveMessages(incoming: ChatMessage[], countUnread: boolean): void {
    const known = new Set(this.state.messages.map((message) => message.id));
    const fresh = incoming.filter(
      (m) => !known.has(m.id) && m.participant_id !== this.state.participantId,
    );
    this.update({
      messages: mergeMessages(this.state.messages, incoming),
      unread: countUnread && !this.state.chatOpen ? this.state.unread + fresh.length : this.state.unread,
    });
  }

  private showReaction(payload: { participant_id: string; name: string; emoji: string }): void {
    this.reactionKey += 1;
    const key = this.reactionKey;
    const reaction = { key, participantId: payload.participant_id, name: payload.name, emoji: payload.emoji };
    this.update({ reactions: [...this.state.reactions, reaction] });
    setTimeout(() => {
      this.update({ reactions: this.state.reactions.filter((shown) => shown.key !== key) });
    }, REACTION_SHOWN_MS);
  }

  private listPeople(): PresentPerson[] {
    return this.presence
      .list((id: string, entry: { metas: PresenceMeta[] }) => {
        // Several tabs of one participant are several metas: a hand up in any of them counts.
        const first = entry.metas[0];
        return {
          id,
          name: first?.name ?? id,
          joinedAt: entry.metas.reduce((min, meta) => (meta.joined_at < min ? meta.joined_at : min), first?.joined_at ?? ''),
          handRaised: entry.metas.some((meta) => meta.hand_raised),
          path: entry.metas.find((meta) => meta.path)?.path ?? null,
        };
      })
      .sort((a, b) => a.joinedAt.localeCompare(b.joinedAt));
  }

  private update(patch: Partial<RoomChannelState>): void {
    if (this.disposed) return;
    this.state = { ...this.state, ...patch };
    for (const listener of this.listeners) listener();
  }
}

/** The real thing: a phoenix Socket on /ws and the channel of room `roomId`. */
export function openRoomChannel(
  roomId: string,
  token: string,
  options: Omit<RoomChannelOptions, 'setToken'> & { onToken?: (token: string) => void },
): { room: RoomChannel; close: () => void } {
  let current = token;
  const socket = new Socket('/ws');
  socket.connect();
  const channel = socket.channel(`room:${roomId}`, () => ({ token: current }));
  const room = new RoomChannel(channel as unknown as ChannelLike, {
    ...options,
    setToken: (next) => {
      current = next;
      options.onToken?.(next);
    },
  });
  room.join();
  return {
    room,
    close: () => {
      room.leave();
      socket.disconnect();
    },
  };
}
