import { renderHook } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { useKeyboardShortcuts } from './use-keyboard-shortcuts.ts';

function press(key: string, init: KeyboardEventInit = {}, target: EventTarget = window) {
  target.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, ...init }));
}

describe('useKeyboardShortcuts', () => {
  it('calls the handler for its key, in either case', () => {
    const toggleMic = vi.fn();
    renderHook(() => {
      useKeyboardShortcuts({ m: toggleMic });
    });
    press('m');
    press('M');
    expect(toggleMic).toHaveBeenCalledTimes(2);
  });

  it('leaves keys alone while typing and with modifiers', () => {
    const toggleMic = vi.fn();
    renderHook(() => {
      useKeyboardShortcuts({ m: toggleMic });
    });
    const input = document.createElement('input');
    document.body.append(input);
    press('m', {}, input);
    press('m', { ctrlKey: true });
    press('m', { metaKey: true });
    press('m', { repeat: true });
    expect(toggleMic).not.toHaveBeenCalled();
    input.remove();
  });

  it('uses the latest handler without re-registering, and stops on unmount', () => {
    const first = vi.fn();
    const second = vi.fn();
    const { rerender, unmount } = renderHook(({ handler }) => {
      useKeyboardShortcuts({ v: handler });
    }, { initialProps: { handler: first } });
    rerender({ handler: second });
    press('v');
    expect(first).not.toHaveBeenCalled();
    expect(second).toHaveBeenCalledOnce();
    unmount();
    press('v');
    expect(second).toHaveBeenCalledOnce();
  });

  it('does nothing while disabled', () => {
    const handler = vi.fn();
    renderHook(() => {
      useKeyboardShortcuts({ m: handler }, false);
    });
    press('m');
    expect(handler).not.toHaveBeenCalled();
  });
});
