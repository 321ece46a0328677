import logging

from debug_service.redaction import RedactTokens, redact


def test_tokens_in_urls_are_redacted() -> None:
    assert redact("/ws?token=abc123") == "/ws?token=[redacted]"
    assert redact("/ws?x=1&token=abc&y=2") == "/ws?x=1&token=[redacted]&y=2"
    assert redact("no secret here") == "no secret here"


def test_the_filter_rewrites_arguments_and_messages() -> None:
    record = logging.makeLogRecord(
        {"msg": '%s - "WebSocket %s" [accepted]', "args": ("127.0.0.1:1", "/ws?token=s3cret")}
    )
    assert RedactTokens().filter(record)
    assert "s3cret" not in record.getMessage()
    plain = logging.makeLogRecord({"msg": "GET /ws?token=s3cret", "args": None})
    RedactTokens().filter(plain)
    assert plain.getMessage() == "GET /ws?token=[redacted]"


def test_livekit_access_tokens_are_redacted() -> None:
    line = 'request: "GET /rtc?access_token=eyJ.x.y&auto_subscribe=1 HTTP/1.1"'
    assert redact(line) == 'request: "GET /rtc?access_token=[redacted]&auto_subscribe=1 HTTP/1.1"'
