// Remote audio plays from elements the adapter owns, one per received audio track: tiles come
// and go, audio must not.
export class RemoteAudio {
  private readonly elements = new Map<string, HTMLAudioElement>();
  /** The chosen output device, also for tracks that arrive after the choice. */
  private sinkId: string | null = null;

  constructor(private readonly onBlocked: () => void) {}

  /** Plays exactly the tracks in `tracks` (by track id); stops the others. */
  sync(tracks: ReadonlyMap<string, MediaStreamTrack>): void {
    for (const [id, element] of this.elements) {
      if (tracks.has(id)) continue;
      element.srcObject = null;
      element.remove();
      this.elements.delete(id);
    }
    for (const [id, track] of tracks) {
      if (this.elements.has(id)) continue;
      const element = document.createElement('audio');
      element.hidden = true;
      element.autoplay = true;
      element.srcObject = new MediaStream([track]);
      document.body.append(element);
      this.elements.set(id, element);
      if (this.sinkId !== null) element.setSinkId(this.sinkId).catch(() => undefined);
      element.play().catch(this.onBlocked);
    }
  }

  async playAll(): Promise<void> {
    await Promise.all([...this.elements.values()].map((element) => element.play()));
  }

  async setSink(deviceId: string): Promise<void> {
    this.sinkId = deviceId;
    for (const element of this.elements.values()) await element.setSinkId(deviceId);
  }
}
