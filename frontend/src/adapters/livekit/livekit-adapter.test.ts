import { ConnectionState, DisconnectReason, type Room, RoomEvent, Track } from 'livekit-client';
import { describe, expect, it, vi } from 'vitest';
import { LiveKitAdapter, MEDIA_RETRY_MS, QUALITY_INTERVAL_MS } from './livekit-adapter.ts';

/** A participant as the adapter reads it: identity, name and the media flags. */
function participant(identity: string, overrides: Record<string, unknown> = {}) {
  return {
    identity,
    name: identity.toUpperCase(),
    isLocal: false,
    isSpeaking: false,
    connectionQuality: 'good',
    isMicrophoneEnabled: true,
    isCameraEnabled: true,
    isScreenShareEnabled: false,
    trackPublications: new Map(),
    getTrackPublication: () => undefined,
    ...overrides,
  };
}

/** Just enough of livekit-client's Room to drive the adapter through its events. */
class FakeRoom {
  state = ConnectionState.Disconnected;
  canPlaybackAudio = true;
  name = 'room-1';
  localParticipant = participant('', { isLocal: true });
  remoteParticipants = new Map<string, ReturnType<typeof participant>>();
  private handlers = new Map<string, Set<(...args: unknown[]) => void>>();

  on(event: string, handler: (...args: unknown[]) => void) {
    const set = this.handlers.get(event) ?? new Set();
    set.add(handler);
    this.handlers.set(event, set);
    return this;
  }
  off(event: string, handler: (...args: unknown[]) => void) {
    this.handlers.get(event)?.delete(handler);
    return this;
  }
  emit(event: string, ...args: unknown[]) {
    for (const handler of this.handlers.get(event) ?? []) handler(...args);
  }
  listenerCount() {
    let count = 0;
    for (const set of this.handlers.values()) count += set.size;
    return count;
  }
  connect = vi.fn(() => {
    this.localParticipant.identity = 'me';
    this.state = ConnectionState.Connected;
    this.emit(RoomEvent.ConnectionStateChanged, this.state);
    return Promise.resolve();
  });
  disconnect = vi.fn(() => {
    this.state = ConnectionState.Disconnected;
    this.emit(RoomEvent.Disconnected, DisconnectReason.CLIENT_INITIATED);
    return Promise.resolve();
  });
  startAudio = vi.fn(() => {
    this.canPlaybackAudio = true;
    return Promise.resolve();
  });
}

function setup() {
  const room = new FakeRoom();
  Object.assign(room.localParticipant, {
    setMicrophoneEnabled: vi.fn(() => Promise.resolve()),
    setCameraEnabled: vi.fn(() => Promise.resolve()),
  });
  const log = vi.fn();
  const adapter = new LiveKitAdapter(log, () => room as unknown as Room);
  return { room, adapter, log };
}

const media = { microphone: true, camera: true };

describe('LiveKitAdapter', () => {
  it('turns on adaptive stream, dynacast and simulcast', () => {
    let options: unknown;
    new LiveKitAdapter(undefined, (given) => {
      options = given;
      return new FakeRoom() as unknown as Room;
    });
    expect(options).toMatchObject({
      adaptiveStream: true,
      dynacast: true,
      publishDefaults: { simulcast: true },
    });
  });

  it('connects, publishes the chosen devices and lists the local participant first', async () => {
    const { room, adapter } = setup();
    room.remoteParticipants.set('bob', participant('bob'));
    await adapter.connect({ url: 'ws://sfu', token: 't', media: { ...media, videoDeviceId: 'cam2' } });
    expect(room.connect).toHaveBeenCalledWith('ws://sfu', 't');
    const local = room.localParticipant as unknown as { setCameraEnabled: ReturnType<typeof vi.fn> };
    expect(local.setCameraEnabled).toHaveBeenCalledWith(true, { deviceId: 'cam2' });
    const snapshot = adapter.getSnapshot();
    expect(snapshot.connectionState).toBe('connected');
    expect(snapshot.participants.map((p) => [p.id, p.isLocal])).toEqual([
      ['me', true],
      ['bob', false],
    ]);
  });

  it('reports a failed connection and rethrows', async () => {
    const { room, adapter, log } = setup();
    room.connect.mockRejectedValueOnce(new Error('could not establish signal connection'));
    await expect(adapter.connect({ url: 'ws://sfu', token: 't', media })).rejects.toThrow();
    expect(adapter.getSnapshot()).toMatchObject({
      connectionState: 'failed',
      error: 'could not establish signal connection',
    });
    expect(log).toHaveBeenCalledWith('error', 'could not connect to LiveKit', expect.any(Object));
  });

  it('maps joins, leaves, mutes, speaking and quality to participant views', async () => {
    const { room, adapter } = setup();
    await adapter.connect({ url: 'ws://sfu', token: 't', media });
    const listener = vi.fn();
    adapter.subscribe(listener);

    const bob = participant('bob');
    room.remoteParticipants.set('bob', bob);
    room.emit(RoomEvent.ParticipantConnected, bob);
    expect(adapter.getSnapshot().participants.map((p) => p.name)).toEqual(['me', 'BOB']);

    bob.isMicrophoneEnabled = false;
    room.emit(RoomEvent.TrackMuted, {}, bob);
    bob.isSpeaking = true;
    bob.connectionQuality = 'poor';
    room.emit(RoomEvent.ActiveSpeakersChanged, [bob]);
    expect(adapter.getSnapshot().participants[1]).toMatchObject({
      micEnabled: false,
      isSpeaking: true,
      connectionQuality: 'poor',
    });

    room.remoteParticipants.delete('bob');
    room.emit(RoomEvent.ParticipantDisconnected, bob);
    expect(adapter.getSnapshot().participants.map((p) => p.id)).toEqual(['me']);
    expect(listener).toHaveBeenCalled();
  });

  it('grades a remote participant from its inbound streams until LiveKit reports a quality', async () => {
    // LiveKit sends a participant's quality only when someone's changes or on subscription:
    // on a steady call a tile could say "unknown" for good, so the adapter measures its own.
    vi.useFakeTimers();
    try {
      const { room, adapter } = setup();
      await adapter.connect({ url: 'ws://sfu', token: 't', media });
      const inbound = (packetsLost: number) =>
        new Map([
          ['in', { id: 'in', type: 'inbound-rtp', kind: 'video', timestamp: 1, packetsLost, packetsReceived: 100 }],
        ]);
      let report = inbound(0);
      const track = { getRTCStatsReport: () => Promise.resolve(report) };
      const bob = participant('bob', {
        connectionQuality: 'unknown',
        trackPublications: new Map([['video', { track, source: Track.Source.Camera }]]),
      });
      room.remoteParticipants.set('bob', bob);
      room.emit(RoomEvent.ParticipantConnected, bob);
      expect(adapter.getSnapshot().participants[1]?.connectionQuality).toBe('unknown');

      await vi.advanceTimersByTimeAsync(QUALITY_INTERVAL_MS);
      expect(adapter.getSnapshot().participants[1]?.connectionQuality).toBe('excellent');

      report = inbound(10);
      await vi.advanceTimersByTimeAsync(QUALITY_INTERVAL_MS);
      expect(adapter.getSnapshot().participants[1]?.connectionQuality).toBe('poor');

      // Once LiveKit's own figure arrives it wins: the server sees both legs of the path.
      bob.connectionQuality = 'good';
      room.emit(RoomEvent.ConnectionQualityChanged, 'good', bob);
      expect(adapter.getSnapshot().participants[1]?.connectionQuality).toBe('good');

      await adapter.disconnect();
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('bumps a participant video revision when their tracks change', async () => {
    const { room, adapter } = setup();
    await adapter.connect({ url: 'ws://sfu', token: 't', media });
    const bob = participant('bob');
    room.remoteParticipants.set('bob', bob);
    room.emit(RoomEvent.ParticipantConnected, bob);
    const before = adapter.getSnapshot().participants[1]?.videoRevision ?? -1;
    bob.isScreenShareEnabled = true;
    room.emit(RoomEvent.TrackPublished, { source: Track.Source.ScreenShare }, bob);
    const after = adapter.getSnapshot().participants[1];
    expect(after?.videoRevision).toBe(before + 1);
    expect(after?.screenSharing).toBe(true);
  });

  it('follows reconnecting and reconnected', async () => {
    const { room, adapter, log } = setup();
    await adapter.connect({ url: 'ws://sfu', token: 't', media });
    room.state = ConnectionState.Reconnecting;
    room.emit(RoomEvent.ConnectionStateChanged, room.state);
    expect(adapter.getSnapshot().connectionState).toBe('reconnecting');
    room.state = ConnectionState.Connected;
    room.emit(RoomEvent.ConnectionStateChanged, room.state);
    expect(adapter.getSnapshot().connectionState).toBe('connected');
    expect(log).toHaveBeenCalledWith('info', 'reconnected');
  });

  it('tells why the call ended', async () => {
    const { room, adapter } = setup();
    await adapter.connect({ url: 'ws://sfu', token: 't', media });
    room.emit(RoomEvent.Disconnected, DisconnectReason.ROOM_DELETED);
    expect(adapter.getSnapshot()).toMatchObject({
      connectionState: 'disconnected',
      disconnectReason: 'room_closed',
    });
  });

  it('reports blocked autoplay and clears it after startAudio', async () => {
    const { room, adapter } = setup();
    await adapter.connect({ url: 'ws://sfu', token: 't', media });
    room.canPlaybackAudio = false;
    room.emit(RoomEvent.AudioPlaybackStatusChanged, false);
    expect(adapter.getSnapshot().canPlayAudio).toBe(false);
    await adapter.startAudio();
    expect(adapter.getSnapshot().canPlayAudio).toBe(true);
  });

  it('removes its event handlers on disconnect', async () => {
    const { room, adapter } = setup();
    await adapter.connect({ url: 'ws://sfu', token: 't', media });
    expect(room.listenerCount()).toBeGreaterThan(0);
    await adapter.disconnect();
    expect(room.listenerCount()).toBe(0);
  });

  it('shows the call once signalling is up, and tries again while media does not connect', async () => {
    vi.useFakeTimers();
    try {
      const { room, adapter, log } = setup();
      const failMedia = () => {
        // As livekit-client: the join answered, then no path for media; it drops everything.
        room.emit(RoomEvent.SignalConnected);
        return new Promise<void>((_resolve, reject) => {
          setTimeout(() => {
            room.emit(RoomEvent.ConnectionStateChanged, ConnectionState.Disconnected);
            room.emit(RoomEvent.Disconnected, DisconnectReason.UNKNOWN_REASON);
            reject(new Error('could not establish pc connection'));
          }, 15_000);
        });
      };
      room.connect.mockImplementationOnce(failMedia);
      await adapter.connect({ url: 'ws://sfu', token: 't', media });
      expect(adapter.getSnapshot()).toMatchObject({
        connectionState: 'connected',
        mediaConnection: 'checking',
      });

      await vi.advanceTimersByTimeAsync(15_000);
      expect(adapter.getSnapshot()).toMatchObject({
        connectionState: 'reconnecting',
        mediaConnection: 'failed',
        disconnectReason: null,
      });
      expect(log).toHaveBeenCalledWith('warn', 'LiveKit media did not connect, trying again', {
        error: 'Error: could not establish pc connection',
      });

      await vi.advanceTimersByTimeAsync(MEDIA_RETRY_MS);
      expect(room.connect).toHaveBeenCalledTimes(2);
      expect(adapter.getSnapshot()).toMatchObject({
        connectionState: 'connected',
        mediaConnection: 'connected',
      });
      const local = room.localParticipant as unknown as { setCameraEnabled: ReturnType<typeof vi.fn> };
      expect(local.setCameraEnabled).toHaveBeenCalledTimes(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('says which device could not start, and why', async () => {
    const { room, adapter } = setup();
    Object.assign(room.localParticipant, {
      setCameraEnabled: vi.fn(() => Promise.reject(new DOMException('denied', 'NotAllowedError'))),
      setMicrophoneEnabled: vi.fn(() => Promise.reject(new DOMException('none', 'NotFoundError'))),
    });
    await adapter.connect({ url: 'ws://sfu', token: 't', media });
    await vi.waitFor(() => {
      expect(adapter.getSnapshot().deviceProblems).toEqual({
        camera: 'denied',
        microphone: 'missing',
      });
    });
  });
});
