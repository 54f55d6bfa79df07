"""Property-based run of the OpenAPI schema against the app: no 500, no response off-schema.

Stateless and bounded: every operation of the schema, MAX_EXAMPLES examples each, once
anonymously (reads answer, writes are refused) and once with an editor's token (writes
run too), over a small archive. Derandomized: the same cases on every run.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.conftest import token_client

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture
def in_test_transaction():
    """Calls through the WSGI handler must not close the test's connection between requests.

    Django's own test client does the same: inside the test's transaction the handler's
    ``close_old_connections`` would close it (autocommit differs from the settings).
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


MAX_EXAMPLES = 6


@pytest.fixture(params=["anonymous", "editor-token"])
def auth(request) -> dict:
    if request.param == "anonymous":
        return {}
    editor = request.getfixturevalue("editor")
    return {"Authorization": token_client(editor)._credentials["HTTP_AUTHORIZATION"]}


def _load_schema():
    # Not config.wsgi: that starts the search outbox's background thread.
    from django.core.wsgi import get_wsgi_application

    # The schema view reads nothing from the database, so it can load at collection.
    loaded = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
    # The coverage phase ignores max_examples (hundreds of cases); fuzzing stays bounded.
    loaded.config.phases.coverage.enabled = False
    return loaded


schema = _load_schema()


@pytest.mark.django_db
@schema.parametrize()
@hypothesis_settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_matches_its_schema(case, archive, auth, in_test_transaction):
    case.call_and_validate(headers=auth, checks=CHECKS)
