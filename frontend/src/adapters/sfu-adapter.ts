import type { StreamFigures } from '../services/webrtc-stats.ts';

// The one interface the UI uses to talk to an SFU. It is shaped around what the room page
// shows (participants, their media, the connection), not around any SFU's API, so that the
// LiveKit adapter and the embedded-SFU adapter can both implement it without leaking through.
import type { Device, DeviceProblem } from '../services/device-problems.ts';

export type ConnectionState =
  | 'idle'
  | 'connecting'
  | 'connected'
  | 'reconnecting'
  | 'disconnected'
  | 'failed';

/**
 * The media transport (ICE) apart from signalling: `idle` until there is something to send or
 * receive, `checking` while the browser looks for a path to the SFU, `failed` when none worked.
 * Signalling can be up while this never connects (UDP blocked): the page then says why.
 */
export type MediaConnection = 'idle' | 'checking' | 'connected' | 'failed';

export type ConnectionQuality = 'excellent' | 'good' | 'poor' | 'lost' | 'unknown';

export type VideoSource = 'camera' | 'screen';

export interface ParticipantView {
  id: string;
  name: string;
  isLocal: boolean;
  isSpeaking: boolean;
  micEnabled: boolean;
  cameraEnabled: boolean;
  screenSharing: boolean;
  connectionQuality: ConnectionQuality;
  /** Changes whenever the participant's video tracks change, so tiles know to re-attach. */
  videoRevision: number;
}

export type DisconnectReason = 'left' | 'kicked' | 'room_closed' | 'duplicate_identity' | 'lost';

export interface RoomSnapshot {
  connectionState: ConnectionState;
  /** Local participant first, then remote participants in join order. */
  participants: readonly ParticipantView[];
  /** False while the browser blocks autoplay; the UI offers a button that calls startAudio. */
  canPlayAudio: boolean;
  disconnectReason: DisconnectReason | null;
  error: string | null;
  mediaConnection: MediaConnection;
  /** Our own camera or microphone that could not be started when joining, and why. */
  deviceProblems: Partial<Record<Device, DeviceProblem>>;
}

export interface MediaOptions {
  microphone: boolean;
  camera: boolean;
  audioDeviceId?: string;
  videoDeviceId?: string;
}

export interface ConnectOptions {
  url: string;
  token: string;
  media: MediaOptions;
  /**
   * For a reconnect after the SFU refused `refused` (expired): the newest token the app holds
   * for this participant, or a fresh one from the API. Only the embedded adapter needs it
   * (LiveKit's server renews the client's token by itself).
   */
  refreshToken?: (refused: string) => Promise<string>;
}

/** One RTP stream's figures (webrtc-stats.ts), as shipped to the debug service. */
export interface StreamStats extends StreamFigures {
  participantId: string;
  direction: 'inbound' | 'outbound';
  source: string;
}

/** Adapters report what they see (joins, reconnects, failures) through this. */
export type AdapterLog = (
  level: 'debug' | 'info' | 'warn' | 'error',
  message: string,
  metadata?: Record<string, unknown>,
) => void;

export interface SfuAdapter {
  readonly provider: string;
  connect(options: ConnectOptions): Promise<void>;
  disconnect(): Promise<void>;
  subscribe(listener: () => void): () => void;
  /** Returns the same object until something changes (for useSyncExternalStore). */
  getSnapshot(): RoomSnapshot;
  setMicrophoneEnabled(enabled: boolean): Promise<void>;
  setCameraEnabled(enabled: boolean): Promise<void>;
  setScreenShareEnabled(enabled: boolean): Promise<void>;
  switchDevice(kind: 'audioinput' | 'videoinput' | 'audiooutput', deviceId: string): Promise<void>;
  /** Shows a participant's video in `element` until the returned function is called. */
  attachVideo(participantId: string, source: VideoSource, element: HTMLVideoElement): () => void;
  /** Must be called from a user gesture when canPlayAudio is false. */
  startAudio(): Promise<void>;
  getStats(): Promise<StreamStats[]>;
}

export const initialSnapshot: RoomSnapshot = {
  connectionState: 'idle',
  participants: [],
  canPlayAudio: true,
  disconnectReason: null,
  error: null,
  mediaConnection: 'idle',
  deviceProblems: {},
};
