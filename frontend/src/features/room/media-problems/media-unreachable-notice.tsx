import './media-problems.css';

// "Can't reach the media server": on a tile that gets no picture, and in the connection
// details with what to do and a link to the deploy guide's connectivity section.

export const CONNECTIVITY_HELP = '/help/connectivity';

export function MediaUnreachableNotice({ variant }: { variant: 'tile' | 'details' }) {
  return (
    <div
      className={`media-unreachable media-unreachable-${variant}`}
      role={variant === 'details' ? 'alert' : undefined}
      data-problem="media_unreachable"
    >
      <strong>Can&rsquo;t reach the media server &mdash; your network may block it.</strong>
      {variant === 'details' && (
        <span>
          {' '}
          The call is connected, but no audio or video gets through. Try another network (a
          phone hotspot, or without VPN), or ask whoever runs this server to open its media
          ports.
        </span>
      )}{' '}
      <a href={CONNECTIVITY_HELP} target="_blank" rel="noreferrer">
        What the network must allow
      </a>
    </div>
  );
}
