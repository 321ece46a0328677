import { describe, expect, it } from 'vitest';
import { defaultFilters } from './log-filters.ts';
import { inTimeOrder, initialLogState, logStreamReducer } from './log-stream-state.ts';
import type { LogLine } from './log-types.ts';
import { fetchOlderLines, olderLinesUrl } from './older-lines.ts';

function line(id: number, second: number): LogLine {
  return {
    id,
    timestamp: `2026-01-01T00:00:${String(second).padStart(2, '0')}.000000Z`,
    service: 'backend',
    level: 'info',
    message: `line ${id}`,
    metadata: {},
  };
}

describe('time order', () => {
  it('sorts by time, then arrival, and keeps each line once', () => {
    const ordered = inTimeOrder([line(3, 5), line(1, 9), line(2, 5), line(3, 5)]);
    expect(ordered.map((l) => l.id)).toEqual([2, 3, 1]);
  });

  it('places a late batch of older lines where they belong', () => {
    let state = logStreamReducer(initialLogState, {
      type: 'message',
      message: { type: 'backlog', logs: [line(1, 1), line(2, 3)] },
    });
    state = logStreamReducer(state, {
      type: 'message',
      message: { type: 'logs', logs: [line(3, 2)] },
    });
    expect(state.lines.map((l) => l.id)).toEqual([1, 3, 2]);
  });
});

describe('scrolling back', () => {
  it('asks for the lines up to the oldest one with the filters the service knows', () => {
    const url = new URL(
      olderLinesUrl(
        {
          ...defaultFilters,
          services: ['backend', 'livekit'],
          text: 'join',
          roomId: 'r1',
        },
        line(7, 4),
      ),
      'http://x',
    );
    expect(url.pathname).toBe('/debug/api/logs');
    expect(url.searchParams.getAll('service')).toEqual(['backend', 'livekit']);
    expect(url.searchParams.get('q')).toBe('join');
    expect(url.searchParams.get('room_id')).toBe('r1');
    expect(url.searchParams.get('until')).toBe('2026-01-01T00:00:04.000000Z');
  });

  it('sends the operator token and drops the line it already has', async () => {
    const seen: { url: string; auth: string | undefined }[] = [];
    const fetcher = ((input: string, init?: RequestInit) => {
      seen.push({
        url: input,
        auth: (init?.headers as Record<string, string>).Authorization,
      });
      const body = JSON.stringify({
        logs: [line(7, 4), line(5, 2)],
        next_cursor: null,
      });
      return Promise.resolve(new Response(body));
    }) as typeof fetch;
    const page = await fetchOlderLines(defaultFilters, line(7, 4), 'secret-token', fetcher);
    expect(seen[0]?.auth).toBe('Bearer secret-token');
    expect(page.logs.map((l) => l.id)).toEqual([5]);
    expect(page.complete).toBe(true);
  });

  it('puts older lines in front, pauses the tail and remembers the start was reached', () => {
    let state = logStreamReducer(initialLogState, {
      type: 'message',
      message: { type: 'backlog', logs: [line(10, 30), line(11, 31)] },
    });
    state = logStreamReducer(state, {
      type: 'older',
      logs: [line(4, 10), line(3, 9)],
      complete: true,
    });
    expect(state.lines.map((l) => l.id)).toEqual([3, 4, 10, 11]);
    expect(state.paused).toBe(true);
    expect(state.oldestReached).toBe(true);
  });
});
