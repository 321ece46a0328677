import { type StreamAccess, needsToken } from './log-stream-state.ts';
import type { ServiceStatus } from './log-types.ts';

interface Props {
  services: ServiceStatus[];
  connected: boolean;
  access: StreamAccess;
}

function streamState(connected: boolean, access: StreamAccess): string {
  if (needsToken(access)) return 'Live stream needs the operator token';
  return connected ? 'Live' : 'Debug service not connected, retrying…';
}

/**
 * Every monitored service's status as the debug service pushes it; polled from the open
 * `GET /api/services` only while the stream waits for the operator token.
 */
export function StatusPanel({ services, connected, access }: Props) {
  const live = connected && !needsToken(access);
  return (
    <section className="status-panel" aria-label="Service status">
      <h2>Services</h2>
      <p className={live ? 'stream-state ok' : 'stream-state down'} role="status">
        {streamState(connected, access)}
      </p>
      <ul>
        {services.map((service) => (
          <li
            key={service.name}
            className={`service service-${service.status}`}
            data-service={service.name}
            data-status={service.status}
          >
            <span className="dot" aria-hidden="true" />
            <span className="service-name">{service.name}</span>
            <span className="service-state">{service.status}</span>
            {service.latency_ms !== null && service.status === 'healthy' && (
              <span className="muted small">{service.latency_ms.toFixed(0)} ms</span>
            )}
            {service.message && <span className="service-message small">{service.message}</span>}
            <span className="muted small">
              since {new Date(service.since).toLocaleTimeString()}
            </span>
          </li>
        ))}
        {services.length === 0 && <li className="muted">No status received yet.</li>}
      </ul>
    </section>
  );
}
