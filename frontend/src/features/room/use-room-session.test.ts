import { describe, expect, it } from 'vitest';
import { ApiError } from '../../services/api-client.ts';
import { messageForError } from './use-room-session.ts';

describe('messageForError', () => {
  it('gives each API refusal its own page', () => {
    expect(messageForError(new ApiError(404, 'room_not_found', 'x')).message).toBe('not_found');
    expect(messageForError(new ApiError(409, 'room_full', 'x')).message).toBe('room_full');
    expect(messageForError(new ApiError(423, 'room_locked', 'x')).message).toBe('room_locked');
    expect(messageForError(new ApiError(410, 'room_closed', 'x')).message).toBe('host_ended');
    expect(messageForError(new ApiError(503, 'sfu_unavailable', 'down'))).toEqual({
      message: 'sfu_unavailable',
      detail: 'down',
    });
  });

  it('falls back to the generic page for codes it does not know', () => {
    expect(messageForError(new ApiError(500, 'internal_error', 'boom'))).toEqual({
      message: 'error',
      detail: 'boom',
    });
  });
});
