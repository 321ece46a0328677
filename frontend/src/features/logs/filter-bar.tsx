import type { LogLevel } from '../../services/debug-logger.ts';
import type { LogFilters } from './log-filters.ts';

const levels: LogLevel[] = ['debug', 'info', 'warn', 'error'];

const ranges: { label: string; minutes: number | null }[] = [
  { label: 'All', minutes: null },
  { label: 'Last 5 minutes', minutes: 5 },
  { label: 'Last 15 minutes', minutes: 15 },
  { label: 'Last hour', minutes: 60 },
  { label: 'Last 24 hours', minutes: 1440 },
];

interface Props {
  filters: LogFilters;
  services: string[];
  onChange: (filters: LogFilters) => void;
}

export function FilterBar({ filters, services, onChange }: Props) {
  const set = (patch: Partial<LogFilters>) => {
    onChange({ ...filters, ...patch });
  };
  const toggleService = (service: string) => {
    const chosen = filters.services.includes(service)
      ? filters.services.filter((name) => name !== service)
      : [...filters.services, service];
    set({ services: chosen });
  };
  return (
    <form
      className="filter-bar"
      aria-label="Log filters"
      onSubmit={(event) => {
        event.preventDefault();
      }}
    >
      <label className="field">
        <span>Search</span>
        <input
          type="search"
          value={filters.text}
          placeholder="words in the message"
          onChange={(event) => {
            set({ text: event.target.value });
          }}
        />
      </label>
      <label className="field">
        <span>Minimum level</span>
        <select
          value={filters.minLevel}
          onChange={(event) => {
            set({ minLevel: event.target.value as LogLevel });
          }}
        >
          {levels.map((level) => (
            <option key={level} value={level}>
              {level}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Room</span>
        <input
          value={filters.roomId}
          placeholder="room id"
          onChange={(event) => {
            set({ roomId: event.target.value });
          }}
        />
      </label>
      <label className="field">
        <span>Time range</span>
        <select
          value={filters.sinceMinutes ?? ''}
          onChange={(event) => {
            set({ sinceMinutes: event.target.value ? Number(event.target.value) : null });
          }}
        >
          {ranges.map((range) => (
            <option key={range.label} value={range.minutes ?? ''}>
              {range.label}
            </option>
          ))}
        </select>
      </label>
      <label className="chip">
        <input
          type="checkbox"
          checked={filters.showRoutine}
          onChange={(event) => {
            set({ showRoutine: event.target.checked });
          }}
        />
        Show health checks and stats
      </label>
      <fieldset className="services">
        <legend>Services {filters.services.length === 0 ? '(all)' : ''}</legend>
        {services.map((service) => (
          <label key={service} className="chip">
            <input
              type="checkbox"
              checked={filters.services.includes(service)}
              onChange={() => {
                toggleService(service);
              }}
            />
            {service}
          </label>
        ))}
      </fieldset>
    </form>
  );
}
