import { useEffect, useRef } from 'react';

interface Props {
  onConfirm: () => void;
  onCancel: () => void;
}

/** Asks the host once more: ending the room disconnects everyone and cannot be undone. */
export function EndRoomDialog({ onConfirm, onCancel }: Props) {
  const cancelRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    cancelRef.current?.focus();
  }, []);
  return (
    <div
      className="dialog-backdrop"
      onKeyDown={(event) => {
        if (event.key === 'Escape') onCancel();
      }}
    >
      <div
        className="card dialog"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="end-room-title"
        aria-describedby="end-room-body"
      >
        <h2 id="end-room-title">End the room for everyone?</h2>
        <p id="end-room-body">Everyone is disconnected and the link stops working.</p>
        <div className="actions">
          <button ref={cancelRef} type="button" onClick={onCancel}>
            Cancel
          </button>
          <button type="button" className="danger" onClick={onConfirm}>
            End room
          </button>
        </div>
      </div>
    </div>
  );
}
