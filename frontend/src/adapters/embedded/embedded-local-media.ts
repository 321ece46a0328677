// Our camera, microphone and screen for the embedded SFU. The tracks outlive a session: after
// a rejoin the same tracks are published on the new publish connection.
import type { Publisher } from './embedded-peers.ts';
import type { EmbeddedSignalling, Source } from './embedded-signalling.ts';
import type { Device } from '../../services/device-problems.ts';
import type { MediaOptions } from '../sfu-adapter.ts';

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
  /** The device each source captures from (undefined: the browser's default). */
  private readonly devices = new Map<Source, string | undefined>();
  /** Camera changes one at a time: each one waits for getUserMedia or a renegotiation. */
  private cameraChanges: Promise<void> = Promise.resolve();
  /** Set by stopAll: a capture that finishes after leaving is released at once. */
  private released = false;

  /** `target` is the current session's publisher, or null between sessions. */
  constructor(private readonly target: () => Target | null) {}

  /** Captures what `media` asks for and publishes it; returns the devices that failed, and why. */
  async start(media: MediaOptions): Promise<{ device: Device; error: unknown }[]> {
    this.released = false;
    this.devices.set('microphone', media.audioDeviceId);
    this.devices.set('camera', media.videoDeviceId);
    const wanted: Device[] = [];
    if (media.microphone) wanted.push('microphone');
    if (media.camera) wanted.push('camera');
    // Camera and microphone start concurrently; a missing device fails only its own.
    const results = await Promise.allSettled(
      wanted.map(async (source) => {
        this.tracks.set(source, await capture(source, this.devices.get(source)));
      }),
    );
    await this.publishAll();
    return results.flatMap((result, index) => {
      const device = wanted[index];
      return result.status === 'rejected' && device ? [{ device, error: result.reason as unknown }] : [];
    });
  }

  /**
   * Publishes every live track on the current session (the first time, or after a rejoin).
   * A camera turned off has no track: the new session starts without it, as if unpublished.
   */
  async publishAll(): Promise<void> {
    const target = this.target();
    if (!target) return;
    await target.publisher.setTracks(this.tracks);
    for (const [source, track] of this.tracks) {
      if (!track.enabled) target.signalling.mute(source, true);
    }
  }

  /**
   * As the LiveKit adapter (livekit-client's defaults): a camera turned off is stopped, so
   * its light goes off, and captured again when turned on; a muted microphone keeps its
   * track and sends silence, so unmuting is instant.
   */
  setEnabled(source: Source, enabled: boolean): Promise<void> {
    if (source === 'camera') {
      const change = this.cameraChanges.then(() =>
        enabled ? this.startCamera() : this.stopCamera(),
      );
      this.cameraChanges = change.catch(() => undefined);
      return change;
    }
    return this.setTrackEnabled(source, enabled);
  }

  private async setTrackEnabled(source: Source, enabled: boolean): Promise<void> {
    const track = this.tracks.get(source);
    if (track) {
      // Mute is announced, and the track sends silence: no renegotiation.
      track.enabled = enabled;
      this.target()?.signalling.mute(source, !enabled);
      return;
    }
    if (!enabled) return;
    const captured = await capture(source, this.devices.get(source));
    this.tracks.set(source, captured);
    await this.target()?.publisher.setTrack(source, captured);
  }

  private async stopCamera(): Promise<void> {
    const track = this.tracks.get('camera');
    if (!track) return;
    this.tracks.delete('camera');
    track.stop();
    const target = this.target();
    if (!target) return;
    // Announced first, so the others show "camera off" before its last frame freezes.
    target.signalling.mute('camera', true);
    await target.publisher.pause('camera');
  }

  private async startCamera(): Promise<void> {
    if (this.tracks.has('camera')) return;
    const track = await capture('camera', this.devices.get('camera'));
    if (this.released) {
      track.stop();
      return;
    }
    this.tracks.set('camera', track);
    const target = this.target();
    if (!target) return;
    // Back on the paused m-line (or published anew, e.g. after a rejoin without a camera).
    await target.publisher.setTrack('camera', track);
    if (this.target() === target) target.signalling.mute('camera', false);
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
    this.devices.set(source, deviceId);
    const old = this.tracks.get(source);
    // A camera that is off starts on the new device when it is turned on.
    if (!old && source === 'camera') return;
    const track = await capture(source, deviceId);
    track.enabled = old?.enabled ?? true;
    this.tracks.set(source, track);
    old?.stop();
    await this.target()?.publisher.setTrack(source, track);
  }

  stopAll(): void {
    this.released = true;
    for (const track of this.tracks.values()) track.stop();
    this.tracks.clear();
  }
}
