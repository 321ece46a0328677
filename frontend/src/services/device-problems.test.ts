import { describe, expect, it } from 'vitest';
import { classifyMediaError, deviceProblemText, deviceProblemsOf, problemCode } from './device-problems.ts';

describe('classifyMediaError', () => {
  it('names the problem the user can act on', () => {
    expect(classifyMediaError(new DOMException('', 'NotAllowedError'))).toBe('denied');
    expect(classifyMediaError(new DOMException('', 'SecurityError'))).toBe('denied');
    expect(classifyMediaError(new DOMException('', 'NotFoundError'))).toBe('missing');
    expect(classifyMediaError(new DOMException('', 'OverconstrainedError'))).toBe('missing');
    expect(classifyMediaError(new DOMException('', 'NotReadableError'))).toBe('busy');
    expect(classifyMediaError(new TypeError('no getUserMedia'))).toBe('unsupported');
    expect(classifyMediaError('weird')).toBe('failed');
  });

  it('reads errors livekit-client throws by their name', () => {
    const error = new Error('not supported');
    error.name = 'DeviceUnsupportedError';
    expect(classifyMediaError(error)).toBe('unsupported');
  });
});

describe('deviceProblemText', () => {
  it('says which device and how to allow it when permission was denied', () => {
    const text = deviceProblemText('camera', 'denied');
    expect(text).toMatch(/^Camera: permission was denied/);
    expect(text).toContain('address bar');
    expect(text).toContain('Allow');
  });

  it('says which device is missing', () => {
    expect(deviceProblemText('microphone', 'missing')).toMatch(/^Microphone: no microphone was found/);
  });

  it('has one log word per problem', () => {
    expect(problemCode.denied).toBe('permission_denied');
    expect(problemCode.missing).toBe('no_device');
    expect(new Set(Object.values(problemCode)).size).toBe(Object.keys(problemCode).length);
  });
});

describe('deviceProblemsOf', () => {
  it('keeps each device apart', () => {
    const failures = [
      { device: 'camera' as const, error: new DOMException('', 'NotFoundError') },
      { device: 'microphone' as const, error: new DOMException('', 'NotAllowedError') },
    ];
    expect(deviceProblemsOf(failures)).toEqual({ camera: 'missing', microphone: 'denied' });
    expect(deviceProblemsOf([])).toEqual({});
  });
});
