import { renderHook, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useCaptureTrack } from './use-local-preview.ts';

function fakeTrack() {
  const stop = vi.fn();
  return { track: { id: 't1', stop } as unknown as MediaStreamTrack, stop };
}

function stubGetUserMedia(impl: (constraints: MediaStreamConstraints) => Promise<unknown>) {
  const getUserMedia = vi.fn(impl);
  Object.defineProperty(navigator, 'mediaDevices', {
    configurable: true,
    value: { getUserMedia },
  });
  return getUserMedia;
}

describe('useCaptureTrack', () => {
  afterEach(() => {
    Reflect.deleteProperty(navigator, 'mediaDevices');
  });

  it('captures the chosen device and stops the track when disabled', async () => {
    const { track, stop } = fakeTrack();
    const getUserMedia = stubGetUserMedia(() =>
      Promise.resolve({ getVideoTracks: () => [track], getAudioTracks: () => [] }),
    );
    const { result, rerender } = renderHook(({ on }) => useCaptureTrack('video', on, 'cam2'), {
      initialProps: { on: true },
    });
    await waitFor(() => {
      expect(result.current.track).toBe(track);
    });
    expect(getUserMedia).toHaveBeenCalledWith({ video: { deviceId: { exact: 'cam2' } } });
    rerender({ on: false });
    expect(result.current.track).toBeNull();
    expect(stop).toHaveBeenCalled();
  });

  it('reports a denied permission', async () => {
    stubGetUserMedia(() => Promise.reject(new DOMException('no', 'NotAllowedError')));
    const { result } = renderHook(() => useCaptureTrack('audio', true, undefined));
    await waitFor(() => {
      expect(result.current.problem).toBe('denied');
    });
  });

  it('says capture is unsupported where the browser hides getUserMedia', () => {
    const { result } = renderHook(() => useCaptureTrack('audio', true, undefined));
    expect(result.current.problem).toBe('unsupported');
  });
});
