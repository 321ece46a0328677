// Our camera, microphone and screen for the embedded SFU. The tracks outlive a session: after
// a rejoin the same tracks are published on the new publish connection.
import type { Publisher } from './embedded-peers.ts';
import type { EmbeddedSignalling, Source } from './embedded-signalling.ts';
import type { MediaOptions } from './sfu-adapter.ts';

interface Target {
  publisher: Publisher;
  signalling: EmbeddedSignalling;
}

async function capture(source: Source, deviceId?: string): Promise<MediaStreamTrack> {
  const constraints = deviceId ? { deviceId: { exact: deviceId } } : true;
  const stream = await navigator.mediaDevices.getUserMedia(
    source === 'microphone' ? { audio: constraints } : { video: constraints },
  );
  const [track] = stream.getTracks();
  if (!track) throw new Error(`no ${source} track`);
  return track;
}

export class LocalMedia {
  readonly tracks = new Map<Source, MediaStreamTrack>();

  /** `target` is the current session's publisher, or null between sessions. */
  constructor(private readonly target: () => Target | null) {}

  /** Captures what `media` asks for and publishes it; returns why a device failed, if any. */
  async start(media: MediaOptions): Promise<string[]> {
    const wanted: [Source, string | undefined][] = [];
    if (media.microphone) wanted.push(['microphone', media.audioDeviceId]);
    if (media.camera) wanted.push(['camera', media.videoDeviceId]);
    // Camera and microphone start concurrently; a missing device fails only its own.
    const results = await Promise.allSettled(
      wanted.map(async ([source, deviceId]) => {
        this.tracks.set(source, await capture(source, deviceId));
      }),
    );
    await this.publishAll();
    return results
      .filter((result) => result.status === 'rejected')
      .map((result) => String(result.reason));
  }

  /** Publishes every track on the current session (the first time, or after a rejoin). */
  async publishAll(): Promise<void> {
    const target = this.target();
    if (!target) return;
    await target.publisher.setTracks(this.tracks);
    for (const [source, track] of this.tracks) {
      if (!track.enabled) target.signalling.mute(source, true);
    }
  }

  async setEnabled(source: Source, enabled: boolean): Promise<void> {
    const track = this.tracks.get(source);
    if (track) {
      // Mute is announced, and the track sends silence / black: no renegotiation.
      track.enabled = enabled;
      this.target()?.signalling.mute(source, !enabled);
      return;
    }
    if (!enabled) return;
    const captured = await capture(source);
    this.tracks.set(source, captured);
    await this.target()?.publisher.setTrack(source, captured);
  }

  async setScreenShare(enabled: boolean): Promise<void> {
    const current = this.tracks.get('screen');
    if (!enabled) {
      if (!current) return;
      this.tracks.delete('screen');
      current.stop();
      await this.target()?.publisher.setTrack('screen', null);
      return;
    }
    if (current) return;
    const stream = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
    const [track] = stream.getVideoTracks();
    if (!track) return;
    // Stopping the share from the browser's own bar ends the track.
    track.addEventListener('ended', () => {
      if (this.tracks.get('screen') === track) void this.setScreenShare(false);
    });
    this.tracks.set('screen', track);
    await this.target()?.publisher.setTrack('screen', track);
  }

  async switchDevice(source: Source, deviceId: string): Promise<void> {
    const old = this.tracks.get(source);
    const track = await capture(source, deviceId);
    track.enabled = old?.enabled ?? true;
    this.tracks.set(source, track);
    old?.stop();
    await this.target()?.publisher.setTrack(source, track);
  }

  stopAll(): void {
    for (const track of this.tracks.values()) track.stop();
    this.tracks.clear();
  }
}
