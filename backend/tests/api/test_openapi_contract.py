"""The API does what its OpenAPI description says: schemathesis generates requests from the
running backend's `/openapi.json`, valid ones and broken ones, and checks every answer against
the declared statuses, content types and schemas, and that none is a 500.

The backend runs as a real process on a real livekit-server, so valid requests reach the
media server as in production. Examples per operation and mode are bounded for CI's time.
(schemathesis's pytest plugin does not run under pytest 9, so the test drives its
strategies with hypothesis directly.)
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from video_rooms.app import create_app
from video_rooms.db import migrate
from video_rooms.settings import Settings
from vr_testkit.livekit import LiveKitServer
from vr_testkit.services import BackendProcess, backend_process

MAX_EXAMPLES = 30
# Every operation the app declares, known without a server (the test reads the served copy).
DECLARED = {
    f"{method.upper()} {path}": operation
    for path, methods in create_app(Settings()).openapi()["paths"].items()
    for method, operation in methods.items()
}
OPERATIONS = sorted(DECLARED)
POSITIVE, NEGATIVE = schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE
# Broken requests exist only for operations that take something (parameters, a body, a
# credential); for the others schemathesis has nothing to break.
CASES = [(label, POSITIVE) for label in OPERATIONS] + [
    (label, NEGATIVE)
    for label, operation in DECLARED.items()
    if {"parameters", "requestBody", "security"} & set(operation)
]


@pytest.fixture(scope="module")
def backend(
    livekit: LiveKitServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[BackendProcess]:
    workdir = tmp_path_factory.mktemp("schemathesis")
    database_url = f"sqlite+aiosqlite:///{workdir / 'rooms.db'}"
    migrate.upgrade(database_url)
    process = backend_process(livekit, database_url, log_dir=workdir)
    try:
        # Stopped even when it never gets ready: a slow machine must not leak the process.
        yield process.start_and_wait(timeout=60)
    finally:
        process.stop()


@pytest.fixture(scope="module")
def served_schema(backend: BackendProcess) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_url(backend.url + "/openapi.json")


def test_the_served_description_is_the_apps(served_schema: schemathesis.BaseSchema) -> None:
    served = [result.ok().label for result in served_schema.get_all_operations()]
    assert sorted(served) == sorted(OPERATIONS)


@pytest.mark.parametrize(("label", "mode"), CASES)
def test_operation_answers_as_declared(
    served_schema: schemathesis.BaseSchema,
    backend: BackendProcess,
    label: str,
    mode: schemathesis.GenerationMode,
) -> None:
    method, path = label.split(" ", 1)
    operation = served_schema[path][method]

    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.data())
    def check(data: st.DataObject) -> None:
        case = data.draw(operation.as_strategy(generation_mode=mode))
        case.call_and_validate(base_url=backend.url)

    check()
