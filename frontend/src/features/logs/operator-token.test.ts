import { beforeEach, describe, expect, it } from 'vitest';
import { forgetOperatorToken, readOperatorToken, storeOperatorToken, withToken } from './operator-token.ts';

describe('operator token', () => {
  beforeEach(() => {
    sessionStorage.clear();
    localStorage.clear();
  });

  it('is kept in sessionStorage, never localStorage, until forgotten', () => {
    expect(readOperatorToken()).toBeNull();
    storeOperatorToken('secret');
    expect(readOperatorToken()).toBe('secret');
    expect(localStorage.length).toBe(0);
    forgetOperatorToken();
    expect(readOperatorToken()).toBeNull();
  });

  it('goes into the URL encoded, and not at all when there is none', () => {
    expect(withToken('ws://h/debug/ws', null)).toBe('ws://h/debug/ws');
    expect(withToken('ws://h/debug/ws', 'a b?&=#')).toBe('ws://h/debug/ws?token=a%20b%3F%26%3D%23');
    expect(withToken('ws://h/debug/ws?x=1', 't')).toBe('ws://h/debug/ws?x=1&token=t');
  });
});
