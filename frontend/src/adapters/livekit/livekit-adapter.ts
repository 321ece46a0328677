// SfuAdapter over livekit-client. This module (and livekit-client with it) is only ever
// imported dynamically from load-adapter.ts, so the home and logs pages do not download it.
import {
  type AudioCaptureOptions,
  type DisconnectReason as LkDisconnectReason,
  type Participant,
  type RemoteTrack,
  Room,
  RoomEvent,
  type RoomOptions,
  Track,
  type VideoCaptureOptions,
  VideoPresets,
} from 'livekit-client';
import { deviceProblemsOf } from '../../services/device-problems.ts';
import { type ByteSample, summarizeStats } from '../../services/webrtc-stats.ts';
import {
  fromTrackSource,
  toConnectionState,
  toDisconnectReason,
  toParticipantView,
  toTrackSource,
} from './livekit-mapping.ts';
import { measureUngradedQuality } from './livekit-quality.ts';
import {
  type AdapterLog,
  type ConnectionQuality,
  type ConnectOptions,
  type MediaOptions,
  type RoomSnapshot,
  type SfuAdapter,
  type StreamStats,
  type VideoSource,
  initialSnapshot,
} from '../sfu-adapter.ts';

export const roomOptions: RoomOptions = {
  // Subscribers receive only the resolution their tile shows, and pause when it is hidden.
  adaptiveStream: true,
  // Publishers stop encoding simulcast layers nobody is subscribed to.
  dynacast: true,
  publishDefaults: { simulcast: true },
  videoCaptureDefaults: { resolution: VideoPresets.h720.resolution },
};

/** How long to wait before trying again when signalling worked and media did not connect. */
export const MEDIA_RETRY_MS = 3000;

/** How often remote participants LiveKit has not graded are graded from our own stats. */
export const QUALITY_INTERVAL_MS = 2000;

/** Events after which the participant list is rebuilt (cheap: a handful of objects). */
const viewEvents = [
  RoomEvent.ParticipantConnected,
  RoomEvent.ParticipantDisconnected,
  RoomEvent.TrackMuted,
  RoomEvent.TrackUnmuted,
  RoomEvent.ActiveSpeakersChanged,
  RoomEvent.ConnectionQualityChanged,
  RoomEvent.ParticipantNameChanged,
] as const;

/** Events that change which video tracks exist, after which tiles must re-attach. */
const trackEvents = [
  RoomEvent.TrackSubscribed,
  RoomEvent.TrackUnsubscribed,
  RoomEvent.TrackPublished,
  RoomEvent.TrackUnpublished,
  RoomEvent.LocalTrackPublished,
  RoomEvent.LocalTrackUnpublished,
] as const;

export class LiveKitAdapter implements SfuAdapter {
  readonly provider = 'livekit';
  private readonly room: Room;
  private snapshot: RoomSnapshot = initialSnapshot;
  private readonly listeners = new Set<() => void>();
  private readonly revisions = new Map<string, number>();
  private readonly byteSamples = new Map<string, ByteSample>();
  private readonly qualitySamples = new Map<string, ByteSample>();
  private readonly measuredQuality = new Map<string, ConnectionQuality>();
  private qualityTimer: ReturnType<typeof setInterval> | null = null;
  private readonly audioElements = new Map<RemoteTrack, HTMLMediaElement>();
  private unbind: (() => void) | null = null;
  /** Set while a connect attempt whose signalling is up waits for the media transport. */
  private awaitingMedia = false;
  private ended = false;

  constructor(
    private readonly log: AdapterLog = () => undefined,
    createRoom: (options: RoomOptions) => Room = (options) => new Room(options),
  ) {
    this.room = createRoom(roomOptions);
    this.unbind = this.bindEvents();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  getSnapshot(): RoomSnapshot {
    return this.snapshot;
  }

  async connect({ url, token, media }: ConnectOptions): Promise<void> {
    this.ended = false;
    this.update({ connectionState: 'connecting', error: null, disconnectReason: null });
    try {
      await this.connectUntilMedia(url, token, media);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.log('error', 'could not connect to LiveKit', { url, error: message });
      this.update({ connectionState: 'failed', error: message });
      throw error;
    }
    this.log('info', 'connected to LiveKit', { url, room: this.room.name });
    this.update({ canPlayAudio: this.room.canPlaybackAudio });
    this.rebuild();
    this.qualityTimer ??= setInterval(() => {
      void this.measureQuality();
    }, QUALITY_INTERVAL_MS);
  }

  private async measureQuality(): Promise<void> {
    const measured = await measureUngradedQuality(this.room.remoteParticipants.values(), this.qualitySamples);
    const changed = [...measured].some(([id, value]) => this.measuredQuality.get(id) !== value);
    for (const [id, value] of measured) this.measuredQuality.set(id, value);
    if (changed) this.rebuild();
  }

  /**
   * Resolves as soon as signalling is up, so the call and its people show while livekit-client
   * still waits for the media transport (room.connect resolves only once it connected). When
   * that fails (a network that blocks UDP and TCP to the SFU), livekit-client drops the whole
   * connection: the page keeps the call, says media is unreachable, and tries again.
   */
  private connectUntilMedia(url: string, token: string, media: MediaOptions): Promise<void> {
    return new Promise((resolve, reject) => {
      const onSignal = () => {
        this.room.off(RoomEvent.SignalConnected, onSignal);
        this.awaitingMedia = true;
        this.update({ connectionState: 'connected', mediaConnection: 'checking' });
        this.rebuild();
        resolve();
      };
      this.room.on(RoomEvent.SignalConnected, onSignal);
      this.room.connect(url, token).then(
        () => {
          this.room.off(RoomEvent.SignalConnected, onSignal);
          this.awaitingMedia = false;
          this.update({ connectionState: 'connected', mediaConnection: 'connected' });
          resolve();
          // Not awaited: the others' video shows while our camera and microphone start.
          void this.publish(media);
        },
        (error: unknown) => {
          this.room.off(RoomEvent.SignalConnected, onSignal);
          const signalled = this.awaitingMedia;
          this.awaitingMedia = false;
          if (!signalled || this.ended) {
            reject(error instanceof Error ? error : new Error(String(error)));
            return;
          }
          this.log('warn', 'LiveKit media did not connect, trying again', { error: String(error) });
          this.update({ connectionState: 'reconnecting', mediaConnection: 'failed' });
          setTimeout(() => {
            if (this.ended) return;
            this.connectUntilMedia(url, token, media).catch((retryError: unknown) => {
              this.log('warn', 'disconnected', { reason: 'lost', error: String(retryError) });
              this.update({ connectionState: 'disconnected', disconnectReason: 'lost' });
            });
          }, MEDIA_RETRY_MS);
        },
      );
    });
  }

  private async publish(media: MediaOptions): Promise<void> {
    const audio: AudioCaptureOptions = media.audioDeviceId ? { deviceId: media.audioDeviceId } : {};
    const video: VideoCaptureOptions = media.videoDeviceId ? { deviceId: media.videoDeviceId } : {};
    // Camera and microphone start concurrently; a missing device fails only its own.
    const results = await Promise.allSettled([
      media.microphone ? this.room.localParticipant.setMicrophoneEnabled(true, audio) : null,
      media.camera ? this.room.localParticipant.setCameraEnabled(true, video) : null,
    ]);
    const devices = ['microphone', 'camera'] as const;
    const failures = results.flatMap((result, index) => {
      const device = devices[index];
      return result.status === 'rejected' && device ? [{ device, error: result.reason as unknown }] : [];
    });
    if (failures.length > 0) {
      const reasons = failures.map(({ device, error }) => `${device}: ${String(error)}`);
      this.log('warn', 'could not publish local media', { reasons });
      this.update({ deviceProblems: deviceProblemsOf(failures) });
    }
    this.rebuild();
  }

  async disconnect(): Promise<void> {
    this.ended = true;
    if (this.qualityTimer) clearInterval(this.qualityTimer);
    this.qualityTimer = null;
    await this.room.disconnect();
    this.unbind?.();
    this.unbind = null;
    for (const element of this.audioElements.values()) element.remove();
    this.audioElements.clear();
  }

  async setMicrophoneEnabled(enabled: boolean): Promise<void> {
    await this.room.localParticipant.setMicrophoneEnabled(enabled);
    this.rebuild();
  }

  async setCameraEnabled(enabled: boolean): Promise<void> {
    await this.room.localParticipant.setCameraEnabled(enabled);
    this.rebuild();
  }

  async setScreenShareEnabled(enabled: boolean): Promise<void> {
    await this.room.localParticipant.setScreenShareEnabled(enabled, { audio: false });
    this.rebuild();
  }

  async switchDevice(
    kind: 'audioinput' | 'videoinput' | 'audiooutput',
    deviceId: string,
  ): Promise<void> {
    await this.room.switchActiveDevice(kind, deviceId);
  }

  attachVideo(participantId: string, source: VideoSource, element: HTMLVideoElement): () => void {
    const participant = this.findParticipant(participantId);
    const track = participant?.getTrackPublication(toTrackSource(source))?.track;
    if (!track) return () => undefined;
    track.attach(element);
    return () => {
      track.detach(element);
    };
  }

  async startAudio(): Promise<void> {
    await this.room.startAudio();
    this.update({ canPlayAudio: this.room.canPlaybackAudio });
  }

  async getStats(): Promise<StreamStats[]> {
    const participants: Participant[] = [
      this.room.localParticipant,
      ...this.room.remoteParticipants.values(),
    ];
    const jobs = participants.flatMap((participant) =>
      [...participant.trackPublications.values()].map(async (publication) => {
        const track = publication.track;
        if (!track) return null;
        const report = await track.getRTCStatsReport();
        if (!report) return null;
        const direction = participant.isLocal ? 'outbound' : 'inbound';
        const figures = summarizeStats(report, direction, this.byteSamples);
        if (!figures) return null;
        const stats: StreamStats = {
          participantId: participant.identity,
          direction,
          source: fromTrackSource(publication.source),
          ...figures,
        };
        return stats;
      }),
    );
    const results = await Promise.all(jobs);
    return results.filter((stats): stats is StreamStats => stats !== null);
  }

  private findParticipant(id: string): Participant | undefined {
    if (this.room.localParticipant.identity === id) return this.room.localParticipant;
    return this.room.remoteParticipants.get(id);
  }

  private bindEvents(): () => void {
    const room = this.room;
    const rebuild = () => {
      this.rebuild();
    };
    const onTrackChange = (...args: unknown[]) => {
      // Every track event carries the participant as its last argument.
      const participant = args.at(-1) as Participant | undefined;
      if (participant?.identity) {
        this.revisions.set(participant.identity, (this.revisions.get(participant.identity) ?? 0) + 1);
      }
      this.rebuild();
    };
    const onSubscribed = (track: RemoteTrack, _pub: unknown, participant: Participant) => {
      this.log('debug', 'subscribed to track', {
        from: participant.identity,
        kind: track.kind,
        source: fromTrackSource(track.source),
      });
      if (track.kind === Track.Kind.Audio) {
        // Remote audio plays from elements the adapter owns: tiles come and go, audio must not.
        const element = track.attach();
        element.dataset.participantId = participant.identity;
        element.hidden = true;
        document.body.append(element);
        this.audioElements.set(track, element);
      }
    };
    const onUnsubscribed = (track: RemoteTrack) => {
      for (const element of track.detach()) element.remove();
      this.audioElements.delete(track);
    };
    const onParticipantConnected = (participant: Participant) => {
      this.log('info', 'participant joined', { participant: participant.identity });
    };
    const onParticipantDisconnected = (participant: Participant) => {
      this.log('info', 'participant left', { participant: participant.identity });
      this.revisions.delete(participant.identity);
      this.measuredQuality.delete(participant.identity);
    };
    const onStateChanged = () => {
      // A connect whose media failed is retried by connectUntilMedia: not a drop of the call.
      if (this.awaitingMedia) return;
      const connectionState = toConnectionState(room.state);
      if (connectionState === 'reconnecting') this.log('warn', 'connection lost, reconnecting');
      if (connectionState === 'connected' && this.snapshot.connectionState === 'reconnecting') {
        this.log('info', 'reconnected');
      }
      // A failed first connect stays "failed" rather than flipping back to "disconnected".
      if (this.snapshot.connectionState === 'failed' && connectionState === 'disconnected') return;
      this.update({ connectionState });
    };
    const onDisconnected = (reason?: LkDisconnectReason) => {
      if (this.awaitingMedia && !this.ended) return;
      const disconnectReason = toDisconnectReason(reason);
      this.log(disconnectReason === 'left' ? 'info' : 'warn', 'disconnected', {
        reason: disconnectReason,
      });
      this.update({ connectionState: 'disconnected', disconnectReason });
    };
    const onAudioPlayback = () => {
      this.update({ canPlayAudio: room.canPlaybackAudio });
    };
    const onMediaDevicesError = (error: Error) => {
      this.log('warn', 'media device error', { error: error.message });
      this.update({ error: error.message });
    };

    for (const event of viewEvents) room.on(event, rebuild);
    for (const event of trackEvents) room.on(event, onTrackChange);
    room.on(RoomEvent.TrackSubscribed, onSubscribed);
    room.on(RoomEvent.TrackUnsubscribed, onUnsubscribed);
    room.on(RoomEvent.ParticipantConnected, onParticipantConnected);
    room.on(RoomEvent.ParticipantDisconnected, onParticipantDisconnected);
    room.on(RoomEvent.ConnectionStateChanged, onStateChanged);
    room.on(RoomEvent.Disconnected, onDisconnected);
    room.on(RoomEvent.AudioPlaybackStatusChanged, onAudioPlayback);
    room.on(RoomEvent.MediaDevicesError, onMediaDevicesError);
    return () => {
      for (const event of viewEvents) room.off(event, rebuild);
      for (const event of trackEvents) room.off(event, onTrackChange);
      room.off(RoomEvent.TrackSubscribed, onSubscribed);
      room.off(RoomEvent.TrackUnsubscribed, onUnsubscribed);
      room.off(RoomEvent.ParticipantConnected, onParticipantConnected);
      room.off(RoomEvent.ParticipantDisconnected, onParticipantDisconnected);
      room.off(RoomEvent.ConnectionStateChanged, onStateChanged);
      room.off(RoomEvent.Disconnected, onDisconnected);
      room.off(RoomEvent.AudioPlaybackStatusChanged, onAudioPlayback);
      room.off(RoomEvent.MediaDevicesError, onMediaDevicesError);
    };
  }

  private rebuild(): void {
    const local = this.room.localParticipant;
    const views = [];
    // Before the join completes the local participant has no identity yet and is not shown.
    if (local.identity) views.push(toParticipantView(local, true, this.revisions.get(local.identity) ?? 0));
    for (const remote of this.room.remoteParticipants.values()) {
      const revision = this.revisions.get(remote.identity) ?? 0;
      views.push(toParticipantView(remote, false, revision, this.measuredQuality.get(remote.identity)));
    }
    this.update({ participants: views });
  }

  private update(patch: Partial<RoomSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...patch };
    for (const listener of this.listeners) listener();
  }
}
