// Scrolling back: the lines older than the oldest one shown, from the query API
// (`GET /api/logs`, newest first), with the filters the service understands.
import { type LogFilters, toSubscribeFilters } from './log-filters.ts';
import type { LogLine } from './log-types.ts';

export const olderPage = 500;

export interface OlderPage {
  logs: LogLine[];
  /** No line older than these matches. */
  complete: boolean;
}

export function olderLinesUrl(filters: LogFilters, oldest: LogLine, limit = olderPage): string {
  const params = new URLSearchParams();
  const subscribe = toSubscribeFilters(filters);
  params.set('level', String(subscribe.level));
  for (const service of filters.services) params.append('service', service);
  if (typeof subscribe.q === 'string') params.set('q', subscribe.q);
  if (typeof subscribe.room_id === 'string') params.set('room_id', subscribe.room_id);
  // Up to and including the oldest line's time: lines of that same instant that were not shown
  // come back too, and the ones shown are dropped by id.
  params.set('until', oldest.timestamp);
  params.set('limit', String(limit));
  return `/debug/api/logs?${params.toString()}`;
}

export async function fetchOlderLines(
  filters: LogFilters,
  oldest: LogLine,
  token: string | null,
  fetcher: typeof fetch = fetch,
): Promise<OlderPage> {
  const headers: Record<string, string> = token ? { Authorization: `Bearer ${token}` } : {};
  const response = await fetcher(olderLinesUrl(filters, oldest), { headers });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const body = (await response.json()) as {
    logs: LogLine[];
    next_cursor: string | null;
  };
  const logs = body.logs.filter((line) => line.id !== oldest.id);
  return { logs, complete: body.next_cursor === null };
}
