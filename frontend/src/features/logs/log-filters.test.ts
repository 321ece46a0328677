import { describe, expect, it } from 'vitest';
import {
  defaultFilters,
  matchesFilters,
  matchesText,
  toSubscribeFilters,
} from './log-filters.ts';
import type { LogLine } from './log-types.ts';

const now = Date.parse('2026-01-01T12:00:00Z');

function line(overrides: Partial<LogLine> = {}): LogLine {
  return {
    id: 1,
    timestamp: '2026-01-01T11:59:00Z',
    service: 'backend',
    level: 'info',
    message: 'participant joined the room',
    metadata: { room_id: 'abc' },
    ...overrides,
  };
}

describe('log filters', () => {
  it('lets everything through by default', () => {
    expect(matchesFilters(line({ level: 'debug' }), defaultFilters, now)).toBe(true);
  });

  it('hides health checks and stats lines unless asked for', () => {
    const health = line({
      service: 'nginx',
      message: 'GET /api/health 200 1 ms',
      metadata: { path: '/api/health', status: 200 },
    });
    const stats = line({ service: 'frontend', message: 'webrtc stats' });
    expect(matchesFilters(health, defaultFilters, now)).toBe(false);
    expect(matchesFilters(stats, defaultFilters, now)).toBe(false);
    const shown = { ...defaultFilters, showRoutine: true };
    expect(matchesFilters(health, shown, now)).toBe(true);
    expect(matchesFilters(stats, shown, now)).toBe(true);
    const roomPage = line({ message: 'GET /r/abc 200', metadata: { path: '/r/abc' } });
    expect(matchesFilters(roomPage, defaultFilters, now)).toBe(true);
  });

  it('keeps only the chosen services', () => {
    const filters = { ...defaultFilters, services: ['frontend', 'sfu'] };
    expect(matchesFilters(line(), filters, now)).toBe(false);
    expect(matchesFilters(line({ service: 'frontend' }), filters, now)).toBe(true);
  });

  it('applies a minimum level', () => {
    const filters = { ...defaultFilters, minLevel: 'warn' as const };
    expect(matchesFilters(line({ level: 'info' }), filters, now)).toBe(false);
    expect(matchesFilters(line({ level: 'warn' }), filters, now)).toBe(true);
    expect(matchesFilters(line({ level: 'error' }), filters, now)).toBe(true);
  });

  it('searches words by prefix, case-insensitively, all words required', () => {
    expect(matchesText('Connection lost, reconnecting', 'conn LOST')).toBe(true);
    expect(matchesText('Connection lost', 'nection')).toBe(false);
    expect(matchesText('Connection lost', 'connection timeout')).toBe(false);
    expect(matchesText('anything', '   ')).toBe(true);
  });

  it('splits words on underscores like the service does (its FTS5 unicode61 rule)', () => {
    expect(matchesText('log_shipping batch sent', 'shipping')).toBe(true);
    expect(matchesText('log_shipping batch sent', 'log_ship')).toBe(true);
    expect(matchesText('webrtc_stats', 'rtc')).toBe(false);
  });

  it('matches the room on either spelling of the metadata key', () => {
    const filters = { ...defaultFilters, roomId: 'abc' };
    expect(matchesFilters(line(), filters, now)).toBe(true);
    expect(matchesFilters(line({ metadata: { roomId: 'abc' } }), filters, now)).toBe(true);
    expect(matchesFilters(line({ metadata: { room_id: 'other' } }), filters, now)).toBe(false);
    expect(matchesFilters(line({ metadata: {} }), filters, now)).toBe(false);
  });

  it('drops lines older than the time range', () => {
    const filters = { ...defaultFilters, sinceMinutes: 5 };
    expect(matchesFilters(line({ timestamp: '2026-01-01T11:56:00Z' }), filters, now)).toBe(true);
    expect(matchesFilters(line({ timestamp: '2026-01-01T11:54:00Z' }), filters, now)).toBe(false);
  });

  it('sends only the filters the service understands, and only when set', () => {
    expect(toSubscribeFilters(defaultFilters)).toEqual({ level: 'debug' });
    expect(
      toSubscribeFilters({
        services: ['backend'],
        minLevel: 'warn',
        text: ' timeout ',
        roomId: 'abc',
        sinceMinutes: 15,
        showRoutine: false,
      }),
    ).toEqual({ services: ['backend'], level: 'warn', q: 'timeout', room_id: 'abc' });
  });
});
