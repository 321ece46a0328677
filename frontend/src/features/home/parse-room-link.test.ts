import { describe, expect, it } from 'vitest';
import { parseRoomLink } from './parse-room-link.ts';

describe('parseRoomLink', () => {
  it.each([
    ['AbC123_-x', 'AbC123_-x'],
    ['  AbC123  ', 'AbC123'],
    ['https://rooms.example.org/r/AbC123', 'AbC123'],
    ['http://localhost:8080/r/AbC123/', 'AbC123'],
    ['https://rooms.example.org/r/AbC123?x=1#y', 'AbC123'],
    ['/r/AbC123', 'AbC123'],
    ['rooms.example.org/r/AbC123', 'AbC123'],
  ])('reads %s', (input, expected) => {
    expect(parseRoomLink(input)).toBe(expected);
  });

  it.each(['', 'https://example.org/', 'https://example.org/r/', 'not a room', '/r/a b'])(
    'rejects %j',
    (input) => {
      expect(parseRoomLink(input)).toBeNull();
    },
  );
});
