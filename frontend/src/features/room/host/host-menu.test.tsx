import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HostMenu, type MenuTarget } from './host-menu.tsx';
import type { HostActions } from './use-host-actions.ts';

function actions(): HostActions {
  return { mute: vi.fn(), muteAll: vi.fn(), remove: vi.fn(), setCohost: vi.fn(), setLocked: vi.fn() };
}

const bob: MenuTarget = { id: 'p_bob', name: 'Bob', role: undefined, micEnabled: true, cameraEnabled: false };

function open(target: MenuTarget, run: HostActions) {
  render(<HostMenu target={target} actions={run} />);
  fireEvent.click(screen.getByRole('button', { name: `Host actions for ${target.name}` }));
  return screen.getByRole('menu', { name: `Host actions for ${target.name}` });
}

describe('HostMenu', () => {
  afterEach(() => {
    cleanup();
  });

  it('offers mute, camera, co-host and remove for a participant, each calling its action', () => {
    const run = actions();
    open(bob, run);
    const items = screen.getAllByRole('menuitem');
    expect(items.map((item) => item.textContent)).toEqual([
      'Mute microphone',
      'Turn off camera',
      'Make co-host',
      'Remove from the room',
    ]);
    // Bob's camera is off already: nothing to turn off.
    expect(screen.getByRole('menuitem', { name: 'Turn off camera' })).toHaveProperty('disabled', true);
    expect(document.activeElement).toBe(items[0]);
    fireEvent.click(screen.getByRole('menuitem', { name: 'Mute microphone' }));
    expect(run.mute).toHaveBeenCalledWith('p_bob', 'microphone');
    expect(screen.queryByRole('menu')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Host actions for Bob' }));
    fireEvent.click(screen.getByRole('menuitem', { name: 'Make co-host' }));
    expect(run.setCohost).toHaveBeenCalledWith('p_bob', true);
    fireEvent.click(screen.getByRole('button', { name: 'Host actions for Bob' }));
    fireEvent.click(screen.getByRole('menuitem', { name: 'Remove from the room' }));
    expect(run.remove).toHaveBeenCalledWith('p_bob');
  });

  it('takes a co-host role back, and offers neither for the room host', () => {
    const run = actions();
    open({ ...bob, role: 'cohost' }, run);
    fireEvent.click(screen.getByRole('menuitem', { name: 'Remove co-host role' }));
    expect(run.setCohost).toHaveBeenCalledWith('p_bob', false);
    cleanup();
    open({ ...bob, id: 'p_ada', name: 'Ada', role: 'host' }, run);
    expect(screen.getAllByRole('menuitem').map((item) => item.textContent)).toEqual([
      'Mute microphone',
      'Turn off camera',
    ]);
  });

  it('moves with the arrow keys over enabled items and closes on Escape, back to its button', () => {
    const menu = open({ ...bob, cameraEnabled: true }, actions());
    fireEvent.keyDown(menu, { key: 'ArrowDown' });
    expect(document.activeElement?.textContent).toBe('Turn off camera');
    fireEvent.keyDown(menu, { key: 'ArrowUp' });
    fireEvent.keyDown(menu, { key: 'ArrowUp' });
    expect(document.activeElement?.textContent).toBe('Remove from the room');
    fireEvent.keyDown(menu, { key: 'Escape' });
    expect(screen.queryByRole('menu')).toBeNull();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Host actions for Bob' }));
  });
});
