import { describe, expect, it } from 'vitest';
import { resolveSfuUrl } from './sfu-url.ts';

describe('resolveSfuUrl', () => {
  it('keeps an absolute WebSocket URL as it is', () => {
    const page = { protocol: 'https:', host: 'rooms.example.com' };
    expect(resolveSfuUrl('wss://sfu.example.com', page)).toBe('wss://sfu.example.com');
    expect(resolveSfuUrl('ws://127.0.0.1:7880', page)).toBe('ws://127.0.0.1:7880');
  });

  it('puts a path on the page origin with ws for http pages', () => {
    const page = { protocol: 'http:', host: 'localhost:8080' };
    expect(resolveSfuUrl('/rtc', page)).toBe('ws://localhost:8080/rtc');
    expect(resolveSfuUrl('/', page)).toBe('ws://localhost:8080/');
  });

  it('uses wss for https pages, so no page ever mixes in an insecure socket', () => {
    const page = { protocol: 'https:', host: 'rooms.example.com' };
    expect(resolveSfuUrl('/rtc', page)).toBe('wss://rooms.example.com/rtc');
  });
});
