import type { Announcement, HostEvents } from './use-host-events.ts';

/** "The host muted you": they may turn it back on themselves, from here or the control bar. */
export function MutedNotice({ muted, onTurnOn, onDismiss }: {
  muted: NonNullable<HostEvents['mutedMe']>;
  onTurnOn: () => void;
  onDismiss: () => void;
}) {
  const camera = muted.source === 'camera';
  return (
    <div className="banner warning host-muted" role="alert" data-host-muted={muted.source}>
      <strong>The host muted you</strong>
      <span>
        {camera ? `${muted.by} turned off your camera.` : `${muted.by} muted your microphone.`} You can turn it
        back on.
      </span>
      <button type="button" className="primary" onClick={onTurnOn}>
        {camera ? 'Start video' : 'Unmute'}
      </button>
      <button type="button" className="icon-button" aria-label="Dismiss" onClick={onDismiss}>
        ×
      </button>
    </div>
  );
}

/** What hosts did, for everyone ("Ada removed Bob"), read out politely by screen readers. */
export function Announcements({ items }: { items: readonly Announcement[] }) {
  return (
    <ul className="announcements" role="log" aria-live="polite" aria-label="Room announcements">
      {items.map((item) => (
        <li key={item.key} data-announcement>
          {item.text}
        </li>
      ))}
    </ul>
  );
}
