import { describe, expect, it } from 'vitest';
import { mediaConnectionOf } from './embedded-media-connection.ts';

describe('mediaConnectionOf', () => {
  it('is idle before either connection negotiates', () => {
    expect(mediaConnectionOf([])).toBe('idle');
    expect(mediaConnectionOf(['new', 'closed'])).toBe('idle');
  });

  it('checks while ICE looks for a path, or lost it for a moment', () => {
    expect(mediaConnectionOf(['connecting', 'new'])).toBe('checking');
    expect(mediaConnectionOf(['disconnected'])).toBe('checking');
  });

  it('is connected once media flows either way', () => {
    expect(mediaConnectionOf(['connecting', 'connected'])).toBe('connected');
    expect(mediaConnectionOf(['failed', 'connected'])).toBe('connected');
  });

  it('failed when ICE gave up and nothing else connects', () => {
    expect(mediaConnectionOf(['failed', 'connecting'])).toBe('failed');
  });
});
