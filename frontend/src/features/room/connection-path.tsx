import type { ConnectionPath } from '../../services/webrtc-stats.ts';

// Words a person (or an operator on a call) understands: "relayed over TLS" says at once that
// the network blocks UDP and the TURN relay carries the call.
const pathLabels: Record<ConnectionPath, string> = {
  udp: 'Direct (UDP)',
  tcp: 'Direct (TCP)',
  'turn-udp': 'Relayed (UDP)',
  'turn-tcp': 'Relayed over TCP',
  'turn-tls': 'Relayed over TLS',
};

function connectionPathLabel(path: ConnectionPath): string {
  return pathLabels[path];
}

interface Props {
  path: ConnectionPath | null;
  name: string;
  isLocal: boolean;
}

/** The network path of a tile's media, beside its connection quality. */
export function ConnectionPathLabel({ path, name, isLocal }: Props) {
  if (path === null) return null;
  const label = connectionPathLabel(path);
  // A remote tile shows the path that person's own browser measured and announced.
  const detail = isLocal
    ? `Your connection to the media server: ${label}`
    : `${name}'s connection to the media server: ${label}`;
  return (
    <span className="tile-path" data-path={path} title={detail}>
      {label}
    </span>
  );
}
