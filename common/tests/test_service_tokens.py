from vr_common.service_tokens import service_of_token, service_token

SECRET = "d" * 40


def test_a_token_names_its_service_and_only_with_the_same_secret() -> None:
    token = service_token(SECRET, "backend")
    assert service_of_token(SECRET, token) == "backend"
    assert service_of_token("e" * 40, token) is None
    assert service_token(SECRET, "embedded-sfu") != token


def test_a_changed_name_or_digest_is_refused() -> None:
    token = service_token(SECRET, "backend")
    digest = token.rsplit(".", 1)[1]
    assert service_of_token(SECRET, f"svc.livekit.{digest}") is None
    assert service_of_token(SECRET, token[:-1] + ("0" if token[-1] != "0" else "1")) is None
    for bad in ("", "svc", "svc..", SECRET, "Bearer x"):
        assert service_of_token(SECRET, bad) is None
