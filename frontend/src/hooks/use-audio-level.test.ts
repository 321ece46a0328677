import { act, renderHook } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { rmsLevel, useAudioLevel } from './use-audio-level.ts';

// An AudioContext that starts suspended, as Firefox's and Safari's do when a page creates one
// before the person touched it: its analyser hears silence until it is resumed.
class SuspendedAudioContext {
  static made: SuspendedAudioContext[] = [];
  state: AudioContextState = 'suspended';
  resume = vi.fn(() => {
    this.state = 'running';
    return Promise.resolve();
  });
  close = vi.fn(() => Promise.resolve());
  constructor() {
    SuspendedAudioContext.made.push(this);
  }
  createMediaStreamSource() {
    return { connect: vi.fn(), disconnect: vi.fn() };
  }
  createAnalyser() {
    return {
      fftSize: 0,
      getByteTimeDomainData: (samples: Uint8Array) => {
        samples.forEach((_, index) => {
          samples[index] = this.state === 'running' ? (index % 2 ? 200 : 56) : 128;
        });
      },
    };
  }
}

class FakeMediaStream {
  constructor(readonly tracks: MediaStreamTrack[]) {}
}

const track = { id: 'mic' } as MediaStreamTrack;

describe('useAudioLevel', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    SuspendedAudioContext.made = [];
    vi.stubGlobal('AudioContext', SuspendedAudioContext);
    vi.stubGlobal('MediaStream', FakeMediaStream);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('resumes a context the browser started suspended at the next touch or key', () => {
    const { result } = renderHook(() => useAudioLevel(track));
    const context = SuspendedAudioContext.made[0];
    act(() => {
      vi.advanceTimersByTime(300);
    });
    expect(result.current).toBe(0);

    act(() => {
      document.dispatchEvent(new KeyboardEvent('keydown', { key: 'a' }));
      vi.advanceTimersByTime(300);
    });
    expect(context?.resume).toHaveBeenCalled();
    expect(result.current).toBeGreaterThan(0.5);
  });

  it('stops listening for gestures once unmounted', () => {
    const { unmount } = renderHook(() => useAudioLevel(track));
    const context = SuspendedAudioContext.made[0];
    unmount();
    const calls = context?.resume.mock.calls.length ?? 0;
    document.dispatchEvent(new PointerEvent('pointerdown'));
    expect(context?.resume.mock.calls.length).toBe(calls);
    expect(context?.close).toHaveBeenCalled();
  });
});

describe('rmsLevel', () => {
  it('is 0 for silence and grows with loudness', () => {
    expect(rmsLevel(new Uint8Array(8).fill(128))).toBe(0);
    expect(rmsLevel(Uint8Array.from([200, 56, 200, 56]))).toBeGreaterThan(0.5);
  });
});
