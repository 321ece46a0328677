// The embedded SFU's WebSocket protocol (docs/embedded-sfu.md): one socket per session, JSON
// text frames with a `type`. This module owns the socket and the order of requests and
// replies; it knows nothing about peer connections, so it can be tested with a fake socket.

export type Source = 'microphone' | 'camera' | 'screen';

export interface WireTrack {
  id: string;
  source: Source;
  kind: 'audio' | 'video';
  muted: boolean;
}

export interface WireParticipant {
  id: string;
  name: string;
  joined_at: string;
  tracks: WireTrack[];
}

export interface TrackRef {
  participant: string;
  track: string;
  source: Source;
  kind: 'audio' | 'video';
}

export interface JoinedMessage {
  type: 'joined';
  room: string;
  participant: WireParticipant;
  participants: WireParticipant[];
  ice_servers: RTCIceServer[];
}

export type ServerMessage =
  | JoinedMessage
  | { type: 'offer'; sdp: string; tracks: Record<string, TrackRef> }
  | { type: 'answer'; sdp: string }
  | { type: 'participant_joined'; participant: WireParticipant }
  | { type: 'participant_updated'; participant: WireParticipant }
  | { type: 'participant_left'; participant: string }
  | { type: 'speakers'; speakers: { participant: string; level: number }[] }
  | { type: 'pong' }
  | { type: 'muted_by_host'; source: 'microphone' | 'camera' }
  | { type: 'error'; code: string; message: string; fatal: boolean }
  | { type: 'closed'; reason: string; message: string };

/** The slice of WebSocket the signalling uses (a fake one in tests). */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  onerror: ((event: Event) => void) | null;
}

export class SignallingError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'SignallingError';
  }
}

export interface SignallingEvents {
  /** Every server message after `joined`, except answers to our own offers. */
  onMessage(message: ServerMessage): void;
  /** The socket closed; `closed` is the server's `closed` message if one came first. */
  onClose(closed: { reason: string; message: string } | null, code: number): void;
}

const JOIN_TIMEOUT_MS = 10_000;

export function parseServerMessage(data: unknown): ServerMessage | null {
  if (typeof data !== 'string') return null;
  try {
    const parsed: unknown = JSON.parse(data);
    if (typeof parsed !== 'object' || parsed === null) return null;
    if (typeof (parsed as { type?: unknown }).type !== 'string') return null;
    return parsed as ServerMessage;
  } catch {
    return null;
  }
}

interface Pending {
  resolve(sdp: string): void;
  reject(error: Error): void;
}

export class EmbeddedSignalling {
  private readonly pendingAnswers: Pending[] = [];
  private closedMessage: { reason: string; message: string } | null = null;
  private finished = false;

  private constructor(
    private readonly socket: SocketLike,
    private events: SignallingEvents,
  ) {}

  /** Opens the socket, joins, and resolves with `joined`; rejects with the server's refusal. */
  static join(
    socket: SocketLike,
    room: string,
    token: string,
    events: SignallingEvents,
  ): Promise<{ signalling: EmbeddedSignalling; joined: JoinedMessage }> {
    const signalling = new EmbeddedSignalling(socket, events);
    return new Promise((resolve, reject) => {
      let joined = false;
      const timer = setTimeout(() => {
        fail(new SignallingError('join_timeout', 'the media server did not answer the join'));
      }, JOIN_TIMEOUT_MS);
      const fail = (error: Error) => {
        clearTimeout(timer);
        if (joined) return;
        joined = true;
        signalling.finished = true;
        socket.onclose = null;
        socket.close();
        reject(error);
      };
      socket.onopen = () => {
        socket.send(JSON.stringify({ type: 'join', room, token }));
      };
      socket.onerror = () => undefined;
      socket.onclose = (event) => {
        const reason = `the media server closed the connection (${String(event.code)})`;
        fail(new SignallingError('closed', reason));
      };
      socket.onmessage = (event) => {
        const message = parseServerMessage(event.data);
        if (!message) return;
        if (message.type === 'error') {
          fail(new SignallingError(message.code, message.message));
          return;
        }
        if (message.type !== 'joined') return;
        clearTimeout(timer);
        joined = true;
        socket.onmessage = (next) => {
          signalling.receive(next.data);
        };
        socket.onclose = (close) => {
          signalling.handleClose(close.code);
        };
        resolve({ signalling, joined: message });
      };
    });
  }

  /** Sends a publish offer; resolves with the server's answer (answers come in offer order). */
  publish(sdp: string, tracks: Record<string, Source>): Promise<string> {
    return new Promise((resolve, reject) => {
      if (this.finished) {
        reject(new SignallingError('closed', 'not connected'));
        return;
      }
      this.pendingAnswers.push({ resolve, reject });
      this.send({ type: 'offer', sdp, tracks });
    });
  }

  answer(sdp: string): void {
    this.send({ type: 'answer', sdp });
  }

  mute(source: Source, muted: boolean): void {
    this.send({ type: 'mute', source, muted });
  }

  ping(): void {
    this.send({ type: 'ping' });
  }

  /** Says goodbye and closes; no further events are delivered. */
  leave(): void {
    this.send({ type: 'leave' });
    this.stop();
  }

  /** Closes without a goodbye (e.g. before rejoining); no further events are delivered. */
  stop(): void {
    this.finished = true;
    this.events = { onMessage: () => undefined, onClose: () => undefined };
    this.rejectPending(new SignallingError('closed', 'the connection was closed'));
    this.socket.close(1000);
  }

  private send(message: Record<string, unknown>): void {
    if (this.finished || this.socket.readyState !== 1) return;
    this.socket.send(JSON.stringify(message));
  }

  private receive(data: unknown): void {
    const message = parseServerMessage(data);
    if (!message) return;
    if (message.type === 'answer') {
      this.pendingAnswers.shift()?.resolve(message.sdp);
      return;
    }
    if (message.type === 'error' && message.code === 'bad_offer') {
      this.pendingAnswers.shift()?.reject(new SignallingError(message.code, message.message));
    }
    if (message.type === 'closed') {
      this.closedMessage = { reason: message.reason, message: message.message };
    }
    this.events.onMessage(message);
  }

  private handleClose(code: number): void {
    if (this.finished) return;
    this.finished = true;
    this.rejectPending(new SignallingError('closed', 'the connection was closed'));
    this.events.onClose(this.closedMessage, code);
  }

  private rejectPending(error: Error): void {
    for (const pending of this.pendingAnswers.splice(0)) pending.reject(error);
  }
}
