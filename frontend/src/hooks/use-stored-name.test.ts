import { act, renderHook } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { useStoredName } from './use-stored-name.ts';

describe('useStoredName', () => {
  beforeEach(() => {
    localStorage.clear();
  });

  it('remembers the name for the next visit, trimmed', () => {
    const first = renderHook(() => useStoredName());
    act(() => {
      first.result.current[1]('  Ada ');
    });
    expect(first.result.current[0]).toBe('  Ada ');
    first.unmount();
    const next = renderHook(() => useStoredName());
    expect(next.result.current[0]).toBe('Ada');
  });

  it('starts empty', () => {
    const { result } = renderHook(() => useStoredName());
    expect(result.current[0]).toBe('');
  });
});
