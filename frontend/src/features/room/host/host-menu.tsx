import { useEffect, useId, useRef, useState } from 'react';
import type { Role } from '../../../services/room-roles.ts';
import type { HostActions } from './use-host-actions.ts';

export interface MenuTarget {
  id: string;
  name: string;
  role: Role | undefined;
  /** From the SFU when it knows: an item for media already off is disabled. */
  micEnabled: boolean | undefined;
  cameraEnabled: boolean | undefined;
}

interface Item {
  label: string;
  run: () => void;
  disabled?: boolean;
  danger?: boolean;
}

function itemsFor(target: MenuTarget, actions: HostActions): Item[] {
  const items: Item[] = [
    {
      label: 'Mute microphone',
      run: () => {
        actions.mute(target.id, 'microphone');
      },
      disabled: target.micEnabled === false,
    },
    {
      label: 'Turn off camera',
      run: () => {
        actions.mute(target.id, 'camera');
      },
      disabled: target.cameraEnabled === false,
    },
  ];
  // The room's host (its creator, or whom it was handed to) keeps the role and cannot be removed.
  if (target.role === 'host') return items;
  items.push(
    target.role === 'cohost'
      ? {
          label: 'Remove co-host role',
          run: () => {
            actions.setCohost(target.id, false);
          },
        }
      : {
          label: 'Make co-host',
          run: () => {
            actions.setCohost(target.id, true);
          },
        },
    {
      label: 'Remove from the room',
      run: () => {
        actions.remove(target.id);
      },
      danger: true,
    },
  );
  return items;
}

/** A host's menu for one other participant (in the people panel and on their tile). */
export function HostMenu({ target, actions }: { target: MenuTarget; actions: HostActions }) {
  const [open, setOpen] = useState(false);
  const menuId = useId();
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const items = itemsFor(target, actions);

  useEffect(() => {
    if (!open) return;
    root.current?.querySelector<HTMLButtonElement>('[role=menuitem]:not([disabled])')?.focus();
    const closeOutside = (event: PointerEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', closeOutside);
    return () => {
      document.removeEventListener('pointerdown', closeOutside);
    };
  }, [open]);

  const close = () => {
    setOpen(false);
    button.current?.focus();
  };
  const move = (event: React.KeyboardEvent) => {
    if (event.key === 'Escape') {
      close();
      return;
    }
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    event.preventDefault();
    const enabled = [...(root.current?.querySelectorAll<HTMLButtonElement>('[role=menuitem]:not([disabled])') ?? [])];
    const at = enabled.indexOf(document.activeElement as HTMLButtonElement);
    const step = event.key === 'ArrowDown' ? 1 : -1;
    enabled[(at + step + enabled.length) % enabled.length]?.focus();
  };

  return (
    <div className="host-menu" ref={root} onKeyDown={move}>
      <button
        ref={button}
        type="button"
        className="host-menu-button"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        aria-label={`Host actions for ${target.name}`}
        title={`Host actions for ${target.name}`}
        onClick={() => {
          setOpen((shown) => !shown);
        }}
      >
        ⋯
      </button>
      {open && (
        <div id={menuId} role="menu" aria-label={`Host actions for ${target.name}`} className="host-menu-items">
          {items.map((item) => (
            <button
              key={item.label}
              type="button"
              role="menuitem"
              className={item.danger ? 'danger' : undefined}
              disabled={item.disabled}
              onClick={() => {
                item.run();
                close();
              }}
            >
              {item.label}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
