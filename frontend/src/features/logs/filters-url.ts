// The viewer's filters as the page's query string, so a reload or a shared link shows the
// same lines. Only filters that differ from the defaults are written.
import type { LogLevel } from '../../services/debug-logger.ts';
import { type LogFilters, defaultFilters } from './log-filters.ts';

const levels: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

function isLevel(value: string | null): value is LogLevel {
  return value !== null && (levels as readonly string[]).includes(value);
}

export function filtersToSearch(filters: LogFilters): URLSearchParams {
  const search = new URLSearchParams();
  for (const service of filters.services) search.append('service', service);
  if (filters.minLevel !== defaultFilters.minLevel) search.set('level', filters.minLevel);
  if (filters.text) search.set('q', filters.text);
  if (filters.roomId) search.set('room', filters.roomId);
  if (filters.sinceMinutes !== null) search.set('since', String(filters.sinceMinutes));
  if (filters.showRoutine) search.set('routine', '1');
  return search;
}

export function filtersFromSearch(search: URLSearchParams): LogFilters {
  const level = search.get('level');
  const since = Number(search.get('since'));
  return {
    services: search.getAll('service').filter(Boolean),
    minLevel: isLevel(level) ? level : defaultFilters.minLevel,
    text: search.get('q') ?? '',
    roomId: search.get('room') ?? '',
    sinceMinutes: Number.isInteger(since) && since > 0 ? since : null,
    showRoutine: search.get('routine') === '1',
  };
}
