// SfuAdapter over the embedded SFU: plain RTCPeerConnections and the signalling of
// docs/embedded-sfu.md. Reconnecting is a rejoin (the server has no ICE restart): new socket,
// new peer connections, the same local tracks published again.
import { type ByteSample, summarizeStats } from '../services/webrtc-stats.ts';
import {
  type Roster,
  bumpVideoRevisions,
  emptyRoster,
  removeParticipant,
  roomFromToken,
  rosterFromJoined,
  shouldRejoin,
  toDisconnectReason,
  toParticipantViews,
  upsertParticipant,
} from './embedded-mapping.ts';
import { RemoteAudio } from './embedded-audio.ts';
import { Publisher, Subscriber } from './embedded-peers.ts';
import { measureQuality } from './embedded-quality.ts';
import {
  EmbeddedSignalling,
  type ServerMessage,
  type SocketLike,
  type Source,
} from './embedded-signalling.ts';
import type {
  AdapterLog,
  ConnectOptions,
  MediaOptions,
  RoomSnapshot,
  SfuAdapter,
  StreamStats,
  VideoSource,
} from './sfu-adapter.ts';
import { initialSnapshot } from './sfu-adapter.ts';

const REJOIN_DELAYS_MS = [500, 1000, 2000, 4000, 8000, 8000];
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
  private readonly localTracks = new Map<Source, MediaStreamTrack>();
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
    this.ended = false;
    this.update({ connectionState: 'connecting', error: null, disconnectReason: null });
    try {
      await this.open();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.log('error', 'could not connect to the embedded SFU', { url: options.url, error: message });
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
    for (const track of this.localTracks.values()) track.stop();
    this.localTracks.clear();
    this.update({ connectionState: 'disconnected', disconnectReason: 'left' });
    return Promise.resolve();
  }

  setMicrophoneEnabled(enabled: boolean): Promise<void> {
    return this.setSourceEnabled('microphone', enabled);
  }

  setCameraEnabled(enabled: boolean): Promise<void> {
    return this.setSourceEnabled('camera', enabled);
  }

  async setScreenShareEnabled(enabled: boolean): Promise<void> {
    const current = this.localTracks.get('screen');
    if (!enabled) {
      if (!current) return;
      this.localTracks.delete('screen');
      current.stop();
      await this.session?.publisher.setTrack('screen', null);
      return;
    }
    if (current) return;
    const stream = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
    const [track] = stream.getVideoTracks();
    if (!track) return;
    // Stopping the share from the browser's own bar ends the track.
    track.addEventListener('ended', () => {
      if (this.localTracks.get('screen') === track) void this.setScreenShareEnabled(false);
    });
    this.localTracks.set('screen', track);
    await this.session?.publisher.setTrack('screen', track);
  }

  async switchDevice(
    kind: 'audioinput' | 'videoinput' | 'audiooutput',
    deviceId: string,
  ): Promise<void> {
    if (kind === 'audiooutput') {
      await this.audio.setSink(deviceId);
      return;
    }
    const source: Source = kind === 'audioinput' ? 'microphone' : 'camera';
    const old = this.localTracks.get(source);
    const track = await this.capture(source, deviceId);
    track.enabled = old?.enabled ?? true;
    this.localTracks.set(source, track);
    old?.stop();
    await this.session?.publisher.setTrack(source, track);
  }

  attachVideo(participantId: string, source: VideoSource, element: HTMLVideoElement): () => void {
    const track =
      participantId === this.roster.localId
        ? this.localTracks.get(source)
        : this.session?.subscriber?.tracks().get(`${participantId}:${source}`)?.track;
    if (!track) return () => undefined;
    const stream = new MediaStream([track]);
    element.autoplay = true;
    element.playsInline = true;
    element.muted = true;
    element.srcObject = stream;
    element.play().catch(() => undefined);
    return () => {
      if (element.srcObject === stream) element.srcObject = null;
    };
  }

  async startAudio(): Promise<void> {
    await this.audio.playAll();
    this.update({ canPlayAudio: true });
  }

  async getStats(): Promise<StreamStats[]> {
    const session = this.session;
    const localId = this.roster.localId;
    if (!session || !localId) return [];
    const jobs: Promise<StreamStats | null>[] = [];
    for (const { source, sender } of session.publisher.senders()) {
      jobs.push(this.streamStats(sender.getStats(), localId, 'outbound', source, this.byteSamples));
    }
    for (const { ref, receiver } of session.subscriber?.tracks().values() ?? []) {
      jobs.push(this.streamStats(receiver.getStats(), ref.participant, 'inbound', ref.source, this.byteSamples));
    }
    const results = await Promise.all(jobs);
    return results.filter((stats): stats is StreamStats => stats !== null);
  }

  private async streamStats(
    report: Promise<RTCStatsReport>,
    participantId: string,
    direction: 'inbound' | 'outbound',
    source: string,
    samples: Map<string, ByteSample>,
  ): Promise<StreamStats | null> {
    const figures = summarizeStats(await report, direction, samples);
    return figures ? { participantId, direction, source, ...figures } : null;
  }

  // -- session ---------------------------------------------------------------------------

  private async open(): Promise<void> {
    const options = this.options;
    if (!options) throw new Error('not connected');
    const room = roomFromToken(options.token);
    const { signalling, joined } = await EmbeddedSignalling.join(
      this.openSocket(options.url),
      room,
      options.token,
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
    this.roster = rosterFromJoined(joined.participant, joined.participants);
    this.rebuild();
  }

  private async publishInitial(media: MediaOptions): Promise<void> {
    const wanted: [Source, string | undefined][] = [];
    if (media.microphone) wanted.push(['microphone', media.audioDeviceId]);
    if (media.camera) wanted.push(['camera', media.videoDeviceId]);
    const results = await Promise.allSettled(
      wanted.map(async ([source, deviceId]) => {
        this.localTracks.set(source, await this.capture(source, deviceId));
      }),
    );
    const reasons = results
      .filter((result) => result.status === 'rejected')
      .map((result) => String(result.reason));
    if (reasons.length > 0) {
      this.log('warn', 'could not publish local media', { reasons });
      this.update({ error: `Some of your devices could not be started: ${reasons.join('; ')}` });
    }
    this.rebuild();
    await this.session?.publisher.setTracks(this.localTracks).catch((error: unknown) => {
      this.log('error', 'publishing failed', { error: String(error) });
    });
  }

  private async capture(source: Source, deviceId?: string): Promise<MediaStreamTrack> {
    const constraints = deviceId ? { deviceId: { exact: deviceId } } : true;
    const stream = await navigator.mediaDevices.getUserMedia(
      source === 'microphone' ? { audio: constraints } : { video: constraints },
    );
    const [track] = stream.getTracks();
    if (!track) throw new Error(`no ${source} track`);
    return track;
  }

  private async setSourceEnabled(source: Source, enabled: boolean): Promise<void> {
    const track = this.localTracks.get(source);
    if (track) {
      // Mute is announced, and the track sends silence / black: no renegotiation.
      track.enabled = enabled;
      this.session?.signalling.mute(source, !enabled);
      return;
    }
    if (!enabled) return;
    const captured = await this.capture(source);
    this.localTracks.set(source, captured);
    await this.session?.publisher.setTrack(source, captured);
  }

  private onMessage(message: ServerMessage): void {
    switch (message.type) {
      case 'offer':
        this.answerOffer(message.sdp, message.tracks);
        return;
      case 'participant_joined':
        this.log('info', 'participant joined', { participant: message.participant.id });
        this.roster = upsertParticipant(this.roster, message.participant);
        break;
      case 'participant_updated':
        this.roster = upsertParticipant(this.roster, message.participant);
        break;
      case 'participant_left':
        this.log('info', 'participant left', { participant: message.participant });
        this.roster = removeParticipant(this.roster, message.participant);
        break;
      case 'speakers':
        this.roster = {
          ...this.roster,
          speakers: new Set(message.speakers.map((speaker) => speaker.participant)),
        };
        break;
      case 'pong':
        this.lastPong = Date.now();
        return;
      case 'error':
        this.log(message.fatal ? 'error' : 'warn', 'embedded SFU error', {
          code: message.code,
          message: message.message,
        });
        return;
      default:
        return;
    }
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
      const received = session.subscriber.tracks();
      const changed = new Set<string>();
      for (const key of new Set([...before, ...received.keys()])) {
        if (before.has(key) !== received.has(key)) changed.add(key.split(':')[0] ?? '');
      }
      const audio = new Map<string, MediaStreamTrack>();
      for (const { ref, track } of received.values()) if (ref.kind === 'audio') audio.set(ref.track, track);
      this.audio.sync(audio);
      this.roster = bumpVideoRevisions(this.roster, changed);
      this.rebuild();
    }).catch((error: unknown) => {
      this.log('error', 'could not apply the server offer', { error: String(error) });
    });
  }

  private watchPeer(pc: RTCPeerConnection): void {
    pc.addEventListener('connectionstatechange', () => {
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
        await this.open();
        this.rejoining = false;
        this.log('info', 'reconnected');
        this.update({ connectionState: 'connected' });
        await this.session?.publisher.setTracks(this.localTracks);
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
    const quality = await measureQuality(localId, session.publisher, session.subscriber, this.qualitySamples);
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
