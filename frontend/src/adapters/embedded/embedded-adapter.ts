// SfuAdapter over the embedded SFU: plain RTCPeerConnections and the signalling of
// docs/embedded-sfu.md. Reconnecting is a rejoin (the server has no ICE restart): new socket,
// new peer connections, the same local tracks published again, and a new token when the one
// in hand expired (the SFU, unlike LiveKit's, never renews it).
import { deviceProblemsOf } from '../../services/device-problems.ts';
import type { ByteSample } from '../../services/webrtc-stats.ts';
import {
  type Roster,
  applyRosterMessage,
  bumpVideoRevisions,
  emptyRoster,
  isTokenRefusal,
  roomFromToken,
  rosterFromJoined,
  shouldRejoin,
  toDisconnectReason,
  toParticipantViews,
  tokenExpired,
} from './embedded-mapping.ts';
import { RemoteAudio } from './embedded-audio.ts';
import { showTrack } from './embedded-video.ts';
import { mediaConnectionOf } from './embedded-media-connection.ts';
import { LocalMedia } from './embedded-local-media.ts';
import { Publisher, Subscriber, changedParticipants } from './embedded-peers.ts';
import { collectStats, measureQuality } from './embedded-stats.ts';
import {
  EmbeddedSignalling,
  type ServerMessage,
  SignallingError,
  type SocketLike,
} from './embedded-signalling.ts';
import type {
  AdapterLog,
  ConnectOptions,
  MediaOptions,
  RoomSnapshot,
  SfuAdapter,
  StreamStats,
  VideoSource,
} from '../sfu-adapter.ts';
import { initialSnapshot } from '../sfu-adapter.ts';

/** As livekit-client's default reconnect policy: ten attempts over about 45 s. */
const REJOIN_DELAYS_MS = [500, 300, 1200, 2700, 4800, 7000, 7000, 7000, 7000, 7000];
const PING_INTERVAL_MS = 5000;
const PONG_TIMEOUT_MS = 12_000;
const QUALITY_INTERVAL_MS = 2000;

interface Session {
  signalling: EmbeddedSignalling;
  publisher: Publisher;
  subscriber: Subscriber | null;
  iceServers: RTCIceServer[];
  offers: Promise<void>;
}

export class EmbeddedAdapter implements SfuAdapter {
  readonly provider = 'embedded';
  private snapshot: RoomSnapshot = initialSnapshot;
  private readonly listeners = new Set<() => void>();
  private roster: Roster = emptyRoster;
  private session: Session | null = null;
  private options: ConnectOptions | null = null;
  /** The token the next join uses: the one connect() got, until the SFU refuses it. */
  private token = '';
  private readonly media = new LocalMedia(() => this.session);
  private readonly audio = new RemoteAudio(() => {
    this.update({ canPlayAudio: false });
  });
  private readonly byteSamples = new Map<string, ByteSample>();
  private readonly qualitySamples = new Map<string, ByteSample>();
  private timers: ReturnType<typeof setInterval>[] = [];
  private lastPong = 0;
  private rejoining = false;
  private ended = false;
  /** Read through a method so the compiler does not narrow it across awaits. */
  private isEnded(): boolean {
    return this.ended;
  }

  constructor(
    private readonly log: AdapterLog = () => undefined,
    private readonly openSocket: (url: string) => SocketLike = (url) => new WebSocket(url),
  ) {}

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  getSnapshot(): RoomSnapshot {
    return this.snapshot;
  }

  async connect(options: ConnectOptions): Promise<void> {
    this.options = options;
    this.token = options.token;
    this.ended = false;
    this.update({ connectionState: 'connecting', error: null, disconnectReason: null });
    try {
      await this.open();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.log('error', 'could not connect to the embedded SFU', {
        url: options.url,
        error: message,
      });
      this.update({ connectionState: 'failed', error: message });
      throw error;
    }
    this.log('info', 'connected to the embedded SFU', { url: options.url });
    this.update({ connectionState: 'connected' });
    this.startTimers();
    // Not awaited: the call shows while our own camera and microphone are still starting.
    void this.publishInitial(options.media);
  }

  async disconnect(): Promise<void> {
    this.ended = true;
    this.session?.signalling.leave();
    this.closeSession();
    this.stopTimers();
    this.media.stopAll();
    this.update({ connectionState: 'disconnected', disconnectReason: 'left' });
    return Promise.resolve();
  }

  setMicrophoneEnabled(enabled: boolean): Promise<void> {
    return this.media.setEnabled('microphone', enabled);
  }

  setCameraEnabled(enabled: boolean): Promise<void> {
    return this.media.setEnabled('camera', enabled);
  }

  setScreenShareEnabled(enabled: boolean): Promise<void> {
    return this.media.setScreenShare(enabled);
  }

  async switchDevice(
    kind: 'audioinput' | 'videoinput' | 'audiooutput',
    deviceId: string,
  ): Promise<void> {
    if (kind === 'audiooutput') await this.audio.setSink(deviceId);
    else await this.media.switchDevice(kind === 'audioinput' ? 'microphone' : 'camera', deviceId);
  }

  attachVideo(participantId: string, source: VideoSource, element: HTMLVideoElement): () => void {
    const track =
      participantId === this.roster.localId
        ? this.media.tracks.get(source)
        : this.session?.subscriber?.tracks().get(`${participantId}:${source}`)?.track;
    return track ? showTrack(track, element) : () => undefined;
  }

  async startAudio(): Promise<void> {
    await this.audio.playAll();
    this.update({ canPlayAudio: true });
  }

  async getStats(): Promise<StreamStats[]> {
    const session = this.session;
    const localId = this.roster.localId;
    if (!session || !localId) return [];
    return collectStats(localId, session.publisher, session.subscriber, this.byteSamples);
  }

  // -- session ---------------------------------------------------------------------------

  private async open(): Promise<void> {
    const options = this.options;
    if (!options) throw new Error('not connected');
    const room = roomFromToken(this.token);
    const { signalling, joined } = await EmbeddedSignalling.join(
      this.openSocket(options.url),
      room,
      this.token,
      {
        onMessage: (message) => {
          this.onMessage(message);
        },
        onClose: (closed, code) => {
          this.onClose(closed?.reason ?? null, code);
        },
      },
    );
    const iceServers = joined.ice_servers;
    this.session = {
      signalling,
      publisher: new Publisher(iceServers, signalling),
      subscriber: null,
      iceServers,
      offers: Promise.resolve(),
    };
    this.watchPeer(this.session.publisher.pc);
    this.lastPong = Date.now();
    this.roster = rosterFromJoined(joined.participant, joined.participants, this.roster);
    // New peer connections: nothing negotiated on them yet.
    this.update({ mediaConnection: 'idle', participants: toParticipantViews(this.roster) });
  }

  private async publishInitial(media: MediaOptions): Promise<void> {
    try {
      const failures = await this.media.start(media);
      // Left before the devices started: release them (the camera light goes off).
      if (this.isEnded()) this.media.stopAll();
      if (failures.length > 0) {
        const reasons = failures.map(({ device, error }) => `${device}: ${String(error)}`);
        this.log('warn', 'could not publish local media', { reasons });
        this.update({ deviceProblems: deviceProblemsOf(failures) });
      }
    } catch (error) {
      this.log('error', 'publishing failed', { error: String(error) });
    }
  }

  private onMessage(message: ServerMessage): void {
    if (message.type === 'offer') this.answerOffer(message.sdp, message.tracks);
    else if (message.type === 'pong') this.lastPong = Date.now();
    // The SFU stopped forwarding it: show it off here too, so that turning it on unmutes.
    else if (message.type === 'muted_by_host') void this.media.setEnabled(message.source, false);
    else if (message.type === 'error') {
      this.log(message.fatal ? 'error' : 'warn', 'embedded SFU error', {
        code: message.code,
        message: message.message,
      });
    } else if (message.type === 'participant_joined') {
      this.log('info', 'participant joined', { participant: message.participant.id });
    } else if (message.type === 'participant_left') {
      this.log('info', 'participant left', { participant: message.participant });
    }
    const roster = applyRosterMessage(this.roster, message);
    if (roster === this.roster) return;
    this.roster = roster;
    this.rebuild();
  }

  private answerOffer(sdp: string, refs: Parameters<Subscriber['answer']>[1]): void {
    const session = this.session;
    if (!session) return;
    session.offers = session.offers.then(async () => {
      if (!session.subscriber) {
        session.subscriber = new Subscriber(session.iceServers);
        this.watchPeer(session.subscriber.pc);
      }
      const before = new Set(session.subscriber.tracks().keys());
      const answer = await session.subscriber.answer(sdp, refs);
      if (this.session !== session) return;
      session.signalling.answer(answer);
      const after = new Set(session.subscriber.tracks().keys());
      this.audio.sync(session.subscriber.audioTracks());
      this.roster = bumpVideoRevisions(this.roster, changedParticipants(before, after));
      this.rebuild();
    }).catch((error: unknown) => {
      this.log('error', 'could not apply the server offer', { error: String(error) });
    });
  }

  private watchPeer(pc: RTCPeerConnection): void {
    pc.addEventListener('connectionstatechange', () => {
      const session = this.session;
      const pcs = session ? [session.publisher.pc, session.subscriber?.pc] : [];
      if (!pcs.includes(pc)) return;
      const states = pcs.flatMap((each) => (each ? [each.connectionState] : []));
      this.update({ mediaConnection: mediaConnectionOf(states) });
      if (pc.connectionState === 'failed' && this.session && !this.ended) {
        this.log('warn', 'media connection failed, rejoining');
        void this.rejoin();
      }
    });
  }

  private onClose(reason: string | null, code: number): void {
    if (this.ended) return;
    if (shouldRejoin(reason)) {
      this.log('warn', 'signalling connection lost, rejoining', { code });
      void this.rejoin();
      return;
    }
    this.log('warn', 'disconnected', { reason });
    this.ended = true;
    this.closeSession();
    this.stopTimers();
    this.update({ connectionState: 'disconnected', disconnectReason: toDisconnectReason(reason) });
  }

  private async rejoin(): Promise<void> {
    if (this.rejoining || this.ended) return;
    this.rejoining = true;
    this.update({ connectionState: 'reconnecting' });
    this.session?.signalling.stop();
    this.closeSession();
    for (const delay of REJOIN_DELAYS_MS) {
      await new Promise((resolve) => setTimeout(resolve, delay));
      if (this.isEnded()) break;
      try {
        await this.openWithValidToken();
        this.rejoining = false;
        if (this.isEnded()) {
          // The user left while the rejoin was under way.
          this.session?.signalling.leave();
          this.closeSession();
          return;
        }
        this.log('info', 'reconnected');
        this.update({ connectionState: 'connected' });
        await this.media.publishAll();
        return;
      } catch (error) {
        this.log('warn', 'rejoin failed', { error: String(error) });
        this.closeSession();
      }
    }
    this.rejoining = false;
    if (this.isEnded()) return;
    this.ended = true;
    this.stopTimers();
    this.update({ connectionState: 'disconnected', disconnectReason: 'lost' });
  }

  /**
   * Joins with the token in hand, or with a new one when it has expired: from the clock first
   * (no attempt the server would refuse), then from the server's refusal (the clocks may differ).
   */
  private async openWithValidToken(): Promise<void> {
    if (tokenExpired(this.token, Date.now())) await this.refreshToken();
    try {
      await this.open();
    } catch (error) {
      if (!(error instanceof SignallingError && isTokenRefusal(error.code))) throw error;
      this.log('info', 'the SFU refused the token, rejoining with a new one', { code: error.code });
      await this.refreshToken(error);
      await this.open();
    }
  }

  private async refreshToken(refusal?: SignallingError): Promise<void> {
    const refresh = this.options?.refreshToken;
    if (!refresh) throw refusal ?? new SignallingError('token_expired', 'the join token expired');
    this.token = await refresh(this.token);
  }

  private closeSession(): void {
    const session = this.session;
    this.session = null;
    session?.publisher.close();
    session?.subscriber?.close();
    this.audio.sync(new Map());
  }

  private startTimers(): void {
    this.stopTimers();
    this.timers.push(
      setInterval(() => {
        const session = this.session;
        if (!session || this.rejoining) return;
        // A socket that died silently (network drop) shows as missing pongs.
        if (Date.now() - this.lastPong > PONG_TIMEOUT_MS) {
          this.log('warn', 'no answer from the embedded SFU, rejoining');
          void this.rejoin();
          return;
        }
        session.signalling.ping();
      }, PING_INTERVAL_MS),
      setInterval(() => {
        void this.measureQuality();
      }, QUALITY_INTERVAL_MS),
    );
  }

  private stopTimers(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
  }

  private async measureQuality(): Promise<void> {
    const session = this.session;
    const localId = this.roster.localId;
    if (!session || !localId) return;
    const { publisher, subscriber } = session;
    const quality = await measureQuality(localId, publisher, subscriber, this.qualitySamples);
    if (this.session !== session) return;
    const changed = [...quality].some(([id, value]) => this.roster.quality.get(id) !== value);
    if (!changed) return;
    this.roster = { ...this.roster, quality: new Map([...this.roster.quality, ...quality]) };
    this.rebuild();
  }

  private rebuild(): void {
    this.update({ participants: toParticipantViews(this.roster) });
  }

  private update(patch: Partial<RoomSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...patch };
    for (const listener of this.listeners) listener();
  }
}
