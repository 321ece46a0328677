import { describe, expect, it } from 'vitest';
import { filtersFromSearch, filtersToSearch } from './filters-url.ts';
import { type LogFilters, defaultFilters } from './log-filters.ts';

describe('filters in the URL', () => {
  it('leaves the default filters out of the URL', () => {
    expect(filtersToSearch(defaultFilters).toString()).toBe('');
    expect(filtersFromSearch(new URLSearchParams())).toEqual(defaultFilters);
  });

  it('reads back every filter it writes', () => {
    const filters: LogFilters = {
      services: ['backend', 'sfu'],
      minLevel: 'warn',
      text: 'join timeout',
      roomId: 'abc-def',
      sinceMinutes: 15,
      showRoutine: true,
    };
    const search = filtersToSearch(filters);
    expect(search.toString()).toBe(
      'service=backend&service=sfu&level=warn&q=join+timeout&room=abc-def&since=15&routine=1',
    );
    expect(filtersFromSearch(new URLSearchParams(search.toString()))).toEqual(filters);
  });

  it('ignores values a hand-edited URL gets wrong', () => {
    const read = filtersFromSearch(new URLSearchParams('level=loud&since=-3&routine=yes'));
    expect(read).toEqual(defaultFilters);
  });
});
