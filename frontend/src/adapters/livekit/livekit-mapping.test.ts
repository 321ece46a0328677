import { ConnectionState, DisconnectReason, Track } from 'livekit-client';
import { describe, expect, it } from 'vitest';
import {
  fromTrackSource,
  toConnectionQuality,
  toConnectionState,
  toDisconnectReason,
  toParticipantView,
  toTrackSource,
} from './livekit-mapping.ts';

describe('livekit mapping', () => {
  it('builds a participant view, falling back to the identity for a missing name', () => {
    const view = toParticipantView(
      {
        identity: 'p_1',
        name: '',
        isSpeaking: true,
        connectionQuality: 'excellent',
        isMicrophoneEnabled: false,
        isCameraEnabled: true,
        isScreenShareEnabled: false,
      },
      false,
      3,
    );
    expect(view).toEqual({
      id: 'p_1',
      name: 'p_1',
      isLocal: false,
      isSpeaking: true,
      micEnabled: false,
      cameraEnabled: true,
      screenSharing: false,
      connectionQuality: 'excellent',
      videoRevision: 3,
    });
  });

  it('maps unknown qualities to unknown', () => {
    expect(toConnectionQuality('lost')).toBe('lost');
    expect(toConnectionQuality('something-new')).toBe('unknown');
  });

  it('treats both kinds of LiveKit reconnection as reconnecting', () => {
    expect(toConnectionState(ConnectionState.SignalReconnecting)).toBe('reconnecting');
    expect(toConnectionState(ConnectionState.Reconnecting)).toBe('reconnecting');
    expect(toConnectionState(ConnectionState.Connected)).toBe('connected');
  });

  it('maps disconnect reasons to what the user is told', () => {
    expect(toDisconnectReason(DisconnectReason.CLIENT_INITIATED)).toBe('left');
    expect(toDisconnectReason(DisconnectReason.PARTICIPANT_REMOVED)).toBe('kicked');
    expect(toDisconnectReason(DisconnectReason.ROOM_DELETED)).toBe('room_closed');
    expect(toDisconnectReason(DisconnectReason.DUPLICATE_IDENTITY)).toBe('duplicate_identity');
    expect(toDisconnectReason(DisconnectReason.SIGNAL_CLOSE)).toBe('lost');
    expect(toDisconnectReason(undefined)).toBe('lost');
  });

  it('maps track sources both ways', () => {
    expect(toTrackSource('screen')).toBe(Track.Source.ScreenShare);
    expect(toTrackSource('camera')).toBe(Track.Source.Camera);
    expect(fromTrackSource(Track.Source.Microphone)).toBe('microphone');
  });
});
