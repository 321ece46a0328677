"""What can go wrong in a room, said in the room's terms (no HTTP here).

`video_rooms.errors` maps each to its HTTP status for the REST API; the realtime channel sends
the same `code` as its `reason`, so both forms of an action fail the same way.
"""

from __future__ import annotations

from typing import ClassVar


class RoomError(Exception):
    """An expected failure the caller is told about, by `code` and a message for people."""

    code: ClassVar[str] = "room_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class RoomNotFound(RoomError):
    code = "room_not_found"

    def __init__(self) -> None:
        super().__init__("This room does not exist.")


class RoomClosed(RoomError):
    code = "room_closed"

    def __init__(self, message: str = "This room has been ended by its host.") -> None:
        super().__init__(message)


class RoomFull(RoomError):
    code = "room_full"

    def __init__(self) -> None:
        super().__init__("This room is full.")


class ParticipantNotFound(RoomError):
    code = "participant_not_found"

    def __init__(self) -> None:
        super().__init__("This participant is not in the room.")


class ParticipantLeft(RoomError):
    code = "participant_left"

    def __init__(self) -> None:
        super().__init__("This participant has left the room; join it again.")


class ParticipantRemoved(RoomError):
    code = "participant_removed"

    def __init__(self) -> None:
        super().__init__("You were removed from the room by its host.")


class TrackNotFound(RoomError):
    code = "track_not_found"

    def __init__(self, source: str) -> None:
        super().__init__(f"This participant is not connected with a {source} to mute.")


class SessionTooLong(RoomError):
    code = "session_expired"

    def __init__(self) -> None:
        super().__init__("This session has reached its maximum length; join the room again.")


class InvalidRoomToken(RoomError):
    """No token, or one that is not a valid token of this room."""

    code = "unauthorized"


class NotHost(RoomError):
    code = "not_host"

    def __init__(self, message: str = "Only the host can do this.") -> None:
        super().__init__(message)


class MediaServerUnavailable(RoomError):
    code = "sfu_unavailable"

    def __init__(self, detail: str) -> None:
        super().__init__(f"The media server is unavailable: {detail}")


class RoomLocked(RoomError):
    code = "room_locked"

    def __init__(self) -> None:
        super().__init__("This room is locked: its host lets nobody new in for now.")


class RoleNotChangeable(RoomError):
    code = "role_not_changeable"

    def __init__(self, message: str = "The host's role cannot be taken away.") -> None:
        super().__init__(message)


class LobbyRequestNotFound(RoomError):
    code = "lobby_request_not_found"

    def __init__(self) -> None:
        super().__init__("There is no such request waiting in this room's lobby.")
