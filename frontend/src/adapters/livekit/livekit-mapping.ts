// Pure translations from livekit-client's objects to the adapter's neutral views. Kept apart
// from the adapter so they can be tested with plain objects, without a LiveKit connection.
import { ConnectionState as LkConnectionState, DisconnectReason, Track } from 'livekit-client';
import type {
  ConnectionQuality,
  ConnectionState,
  DisconnectReason as ViewDisconnectReason,
  ParticipantView,
  VideoSource,
} from '../sfu-adapter.ts';

/** The slice of a LiveKit participant the views are built from. */
export interface LkParticipantLike {
  identity: string;
  name?: string | undefined;
  isSpeaking: boolean;
  connectionQuality: string;
  isMicrophoneEnabled: boolean;
  isCameraEnabled: boolean;
  isScreenShareEnabled: boolean;
}

const qualities: ReadonlySet<string> = new Set(['excellent', 'good', 'poor', 'lost']);

export function toConnectionQuality(value: string): ConnectionQuality {
  return qualities.has(value) ? (value as ConnectionQuality) : 'unknown';
}

export function toParticipantView(
  participant: LkParticipantLike,
  isLocal: boolean,
  videoRevision: number,
  measuredQuality: ConnectionQuality = 'unknown',
): ParticipantView {
  const reported = toConnectionQuality(participant.connectionQuality);
  return {
    id: participant.identity,
    name: participant.name || participant.identity,
    isLocal,
    isSpeaking: participant.isSpeaking,
    micEnabled: participant.isMicrophoneEnabled,
    cameraEnabled: participant.isCameraEnabled,
    screenSharing: participant.isScreenShareEnabled,
    connectionQuality: reported === 'unknown' ? measuredQuality : reported,
    videoRevision,
  };
}

export function toConnectionState(state: LkConnectionState): ConnectionState {
  switch (state) {
    case LkConnectionState.Connecting:
      return 'connecting';
    case LkConnectionState.Connected:
      return 'connected';
    case LkConnectionState.Reconnecting:
    case LkConnectionState.SignalReconnecting:
      return 'reconnecting';
    case LkConnectionState.Disconnected:
      return 'disconnected';
  }
}

export function toDisconnectReason(reason: DisconnectReason | undefined): ViewDisconnectReason {
  switch (reason) {
    case DisconnectReason.CLIENT_INITIATED:
      return 'left';
    case DisconnectReason.PARTICIPANT_REMOVED:
      return 'kicked';
    case DisconnectReason.ROOM_DELETED:
    case DisconnectReason.ROOM_CLOSED:
      return 'room_closed';
    case DisconnectReason.DUPLICATE_IDENTITY:
      return 'duplicate_identity';
    default:
      return 'lost';
  }
}

export function toTrackSource(source: VideoSource): Track.Source {
  return source === 'screen' ? Track.Source.ScreenShare : Track.Source.Camera;
}

export function fromTrackSource(source: Track.Source): string {
  switch (source) {
    case Track.Source.Camera:
      return 'camera';
    case Track.Source.ScreenShare:
      return 'screen';
    case Track.Source.Microphone:
      return 'microphone';
    case Track.Source.ScreenShareAudio:
      return 'screen_audio';
    default:
      return 'unknown';
  }
}
