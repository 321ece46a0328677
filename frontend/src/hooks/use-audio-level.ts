import { useEffect, useState } from 'react';

/** Root-mean-square of 8-bit time-domain samples (128 = silence), scaled to 0..1. */
export function rmsLevel(samples: Uint8Array): number {
  if (samples.length === 0) return 0;
  let total = 0;
  for (const sample of samples) {
    const centred = (sample - 128) / 128;
    total += centred * centred;
  }
  return Math.min(1, Math.sqrt(total / samples.length) * 2);
}

/** A 0..1 loudness of `track`, updated about ten times a second, for the microphone meter. */
export function useAudioLevel(track: MediaStreamTrack | null): number {
  const [level, setLevel] = useState(0);
  useEffect(() => {
    if (!track || typeof AudioContext === 'undefined') return;
    const context = new AudioContext();
    const source = context.createMediaStreamSource(new MediaStream([track]));
    const analyser = context.createAnalyser();
    analyser.fftSize = 512;
    source.connect(analyser);
    const samples = new Uint8Array(analyser.fftSize);
    const timer = setInterval(() => {
      analyser.getByteTimeDomainData(samples);
      setLevel(rmsLevel(samples));
    }, 100);
    // Firefox and Safari start a context made before the person touched the page suspended,
    // and its analyser hears only silence: the meter would stand still on the pre-join screen.
    // The next click or key (typing the name, say) may start it.
    const gestures = ['pointerdown', 'keydown'] as const;
    const resume = () => {
      if (context.state !== 'suspended') return;
      context.resume().catch(() => undefined);
    };
    for (const gesture of gestures) document.addEventListener(gesture, resume, true);
    return () => {
      for (const gesture of gestures) document.removeEventListener(gesture, resume, true);
      clearInterval(timer);
      source.disconnect();
      void context.close();
    };
  }, [track]);
  return track ? level : 0;
}
