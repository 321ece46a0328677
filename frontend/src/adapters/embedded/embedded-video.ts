/** Shows `track` in `element` (muted: sound plays from RemoteAudio); returns the undo. */
export function showTrack(track: MediaStreamTrack, element: HTMLVideoElement): () => void {
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
