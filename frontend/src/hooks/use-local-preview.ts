import { useEffect, useState } from 'react';
import { type DeviceProblem, classifyMediaError } from '../services/device-problems.ts';

interface TrackState {
  track: MediaStreamTrack | null;
  problem: DeviceProblem | null;
}

const none: TrackState = { track: null, problem: null };

function canCapture(): boolean {
  return 'mediaDevices' in navigator && typeof navigator.mediaDevices.getUserMedia === 'function';
}

/**
 * One live capture track while `enabled`, stopped when disabled or unmounted. Camera and
 * microphone are captured separately so that a missing camera does not also cost the microphone.
 */
export function useCaptureTrack(
  kind: 'audio' | 'video',
  enabled: boolean,
  deviceId: string | undefined,
): TrackState {
  const [state, setState] = useState<TrackState>(none);
  useEffect(() => {
    if (!enabled || !canCapture()) return;
    let cancelled = false;
    let acquired: MediaStreamTrack | null = null;
    const constraints: MediaTrackConstraints | boolean = deviceId
      ? { deviceId: { exact: deviceId } }
      : true;
    navigator.mediaDevices
      .getUserMedia(kind === 'audio' ? { audio: constraints } : { video: constraints })
      .then((stream) => {
        const track = (kind === 'audio' ? stream.getAudioTracks() : stream.getVideoTracks())[0];
        if (!track) throw new DOMException('no track', 'NotFoundError');
        if (cancelled) {
          track.stop();
          return;
        }
        acquired = track;
        setState({ track, problem: null });
      })
      .catch((error: unknown) => {
        if (!cancelled) setState({ track: null, problem: classifyMediaError(error) });
      });
    return () => {
      cancelled = true;
      acquired?.stop();
    };
  }, [kind, enabled, deviceId]);
  if (!enabled) return none;
  // Without a secure context (plain http on another host) browsers hide getUserMedia entirely.
  if (!canCapture()) return { track: null, problem: 'unsupported' };
  return state;
}
