import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LocalMedia } from './embedded-local-media.ts';
import type { Publisher } from './embedded-peers.ts';
import type { EmbeddedSignalling, Source } from './embedded-signalling.ts';

/** The slice of MediaStreamTrack LocalMedia touches, with what was done to it. */
class FakeTrack {
  enabled = true;
  readyState: 'live' | 'ended' = 'live';
  constructor(
    readonly kind: 'audio' | 'video',
    readonly deviceId: string | undefined,
  ) {}
  stop(): void {
    this.readyState = 'ended';
  }
  addEventListener(): void {
    // Only screen tracks are listened to.
  }
}

/** Publisher and signalling of a session, recording calls in order. */
function fakeSession() {
  const calls: string[] = [];
  const published = new Map<Source, FakeTrack | null>();
  const publisher = {
    setTracks: vi.fn((tracks: ReadonlyMap<Source, FakeTrack>) => {
      for (const [source, track] of tracks) published.set(source, track);
      calls.push(`publish ${[...tracks.keys()].join(',')}`);
      return Promise.resolve();
    }),
    setTrack: vi.fn((source: Source, track: FakeTrack | null) => {
      published.set(source, track);
      calls.push(`setTrack ${source}`);
      return Promise.resolve();
    }),
    pause: vi.fn((source: Source) => {
      published.set(source, null);
      calls.push(`pause ${source}`);
      return Promise.resolve();
    }),
  };
  const signalling = {
    mute: vi.fn((source: Source, muted: boolean) => {
      calls.push(`mute ${source} ${String(muted)}`);
    }),
  };
  return {
    calls,
    published,
    target: {
      publisher: publisher as unknown as Publisher,
      signalling: signalling as unknown as EmbeddedSignalling,
    },
  };
}

type Wanted = { deviceId?: { exact: string } } | true;

let captured: FakeTrack[] = [];
let getUserMedia: ReturnType<typeof vi.fn>;

beforeEach(() => {
  captured = [];
  getUserMedia = vi.fn((constraints: { audio?: Wanted; video?: Wanted }) => {
    const wanted = constraints.audio ?? constraints.video;
    const deviceId = typeof wanted === 'object' ? wanted.deviceId?.exact : undefined;
    const track = new FakeTrack(constraints.audio ? 'audio' : 'video', deviceId);
    captured.push(track);
    return Promise.resolve({ getTracks: () => [track] });
  });
  vi.stubGlobal('navigator', { mediaDevices: { getUserMedia } });
});

afterEach(() => {
  vi.unstubAllGlobals();
});

const cameras = () => captured.filter((track) => track.kind === 'video');

describe('LocalMedia', () => {
  it('stops the camera when it is turned off and captures a new one when turned on', async () => {
    const session = fakeSession();
    const media = new LocalMedia(() => session.target);
    await media.start({ microphone: true, camera: true, videoDeviceId: 'cam-2' });
    const first = media.tracks.get('camera');

    await media.setEnabled('camera', false);
    // The camera light goes off: the track is ended, and nothing is sent any more.
    expect(first?.readyState).toBe('ended');
    expect(media.tracks.has('camera')).toBe(false);
    expect(session.published.get('camera')).toBeNull();
    expect(session.calls.slice(-2)).toEqual(['mute camera true', 'pause camera']);

    await media.setEnabled('camera', true);
    const second = media.tracks.get('camera') as unknown as FakeTrack;
    expect(second).not.toBe(first);
    expect(second.readyState).toBe('live');
    expect(second.deviceId).toBe('cam-2');
    expect(session.published.get('camera')).toBe(second);
    expect(session.calls.slice(-2)).toEqual(['setTrack camera', 'mute camera false']);
  });

  it('keeps the microphone track on mute, as livekit-client does by default', async () => {
    const session = fakeSession();
    const media = new LocalMedia(() => session.target);
    await media.start({ microphone: true, camera: false });
    const mic = media.tracks.get('microphone');

    await media.setEnabled('microphone', false);
    expect(mic?.readyState).toBe('live');
    expect(mic?.enabled).toBe(false);
    await media.setEnabled('microphone', true);
    expect(media.tracks.get('microphone')).toBe(mic);
    expect(mic?.enabled).toBe(true);
    expect(getUserMedia).toHaveBeenCalledTimes(1);
    expect(session.calls.filter((call) => call.startsWith('pause'))).toEqual([]);
  });

  it('applies quick camera toggles in order, leaving only the last state', async () => {
    const session = fakeSession();
    const media = new LocalMedia(() => session.target);
    await media.start({ microphone: false, camera: true });

    await Promise.all([
      media.setEnabled('camera', false),
      media.setEnabled('camera', true),
      media.setEnabled('camera', false),
    ]);
    expect(cameras()).toHaveLength(2);
    expect(cameras().every((track) => track.readyState === 'ended')).toBe(true);
    expect(media.tracks.has('camera')).toBe(false);
  });

  it('starts a rejoined session without the camera that was off, and publishes it when turned on', async () => {
    let session = fakeSession();
    const media = new LocalMedia(() => session.target);
    await media.start({ microphone: true, camera: true });
    await media.setEnabled('camera', false);

    session = fakeSession();
    await media.publishAll();
    expect(session.calls).toEqual(['publish microphone']);

    await media.setEnabled('camera', true);
    expect(session.published.get('camera')?.readyState).toBe('live');
  });

  it('turns the camera on to the device picked while it was off', async () => {
    const session = fakeSession();
    const media = new LocalMedia(() => session.target);
    await media.start({ microphone: false, camera: true });
    await media.setEnabled('camera', false);

    await media.switchDevice('camera', 'cam-3');
    expect(cameras()).toHaveLength(1);
    await media.setEnabled('camera', true);
    expect((media.tracks.get('camera') as unknown as FakeTrack).deviceId).toBe('cam-3');
  });

  it('releases a camera whose capture finished after leaving', async () => {
    const session = fakeSession();
    const media = new LocalMedia(() => session.target);
    await media.start({ microphone: false, camera: false });

    const turningOn = media.setEnabled('camera', true);
    media.stopAll();
    await turningOn;
    expect(cameras()).toHaveLength(1);
    expect(cameras()[0]?.readyState).toBe('ended');
    expect(media.tracks.size).toBe(0);
  });

  it('says which device failed to start, with its error, and publishes the other', async () => {
    const denied = new DOMException('Permission denied', 'NotAllowedError');
    const video = { getTracks: () => [new FakeTrack('video', undefined)] };
    const failingMicrophone = vi.fn((constraints: { audio?: Wanted }) =>
      constraints.audio ? Promise.reject(denied) : Promise.resolve(video),
    );
    vi.stubGlobal('navigator', { mediaDevices: { getUserMedia: failingMicrophone } });
    const session = fakeSession();
    const media = new LocalMedia(() => session.target);
    const failures = await media.start({ microphone: true, camera: true });
    expect(failures).toEqual([{ device: 'microphone', error: denied }]);
    expect(session.calls).toEqual(['publish camera']);
  });
});
