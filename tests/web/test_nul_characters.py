"""A NUL character, which PostgreSQL refuses in any text, is the client's bad input: 4xx with
problem+json and nothing changed, never a 500 (schemathesis found one on POST /patrols/logs).

Run on PostgreSQL only: SQLite stores NUL characters, so it cannot show the fault.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from hito.patrols.models import Patrol
from hito.settings import Settings
from hito.web.deps import PublicSessionDep
from tests.conftest import LiveServer

pytestmark = pytest.mark.parametrize("backend", ["postgresql"], indirect=True)

Login = Callable[[str], httpx.Client]
NUL = "a\x00b"


def test_patrol_start_refuses_a_nul_unit_or_sector_by_name(login: Login, session: Session) -> None:
    api = login("cl.admin")
    for body, field in [
        ({"sector": "\u00e5", "unit": "\u0000\u00f3", "started_at": None}, "unit"),
        ({"unit": "CL-CAR-01", "sector": "S1\x00"}, "sector"),
    ]:
        reply = api.post("/api/v1/patrols/logs", json=body)
        assert reply.status_code == 422, reply.text
        assert reply.headers["content-type"] == "application/problem+json"
        assert field in {e["field"] for e in reply.json()["errors"]}, reply.json()
    assert session.scalar(select(func.count()).select_from(Patrol)) == 0


def test_no_query_parameter_of_the_api_turns_a_nul_into_a_server_error(
    server: LiveServer, login: Login
) -> None:
    """Every text query parameter of every GET operation, given a NUL character."""
    api = login("cl.admin")
    document = api.get("/api/v1/openapi.json").json()
    tried: list[str] = []
    netted: list[str] = []
    for path, operations in document["paths"].items():
        get = operations.get("get")
        if get is None:
            continue
        if "{" in path:  # ids the test cannot know: the routes without them are swept
            continue
        url = path
        for parameter in get.get("parameters", []):
            schema = parameter.get("schema", {})
            kinds = {schema.get("type")} | {s.get("type") for s in schema.get("anyOf", [])}
            if parameter["in"] != "query" or "string" not in kinds:
                continue
            reply = api.get(url, params={parameter["name"]: NUL})
            if reply.status_code != 404:  # the parameter was read, not the route missed
                tried.append(f"{url}?{parameter['name']}")
            assert reply.status_code < 500, (url, parameter["name"], reply.text[:300])
            if reply.status_code >= 400:
                assert reply.headers["content-type"] == "application/problem+json", url
                if "database refused" in reply.json()["detail"]:
                    netted.append(f"{url}?{parameter['name']}")
    assert netted == []  # validated before the database: the field's error names it
    assert len(tried) > 30, tried  # the sweep reached the API's text parameters


def test_a_value_the_database_refuses_is_a_422_problem(settings: Settings) -> None:
    """The net under validation: whatever reaches PostgreSQL with a NUL is answered 422."""
    live = LiveServer(settings)

    @live.app.get("/api/v1/_nul")
    def _nul(value: str, session: PublicSessionDep) -> dict[str, str]:
        return {"echo": str(session.scalar(text("SELECT CAST(:v AS text)"), {"v": value}))}

    @live.app.get("/api/v1/_zero")
    def _zero(session: PublicSessionDep) -> dict[str, str]:
        return {"never": str(session.scalar(text("SELECT 1 / 0")))}

    with live, httpx.Client(base_url=live.url) as client:
        # another data error is the server's fault: not blamed on the client
        failed = client.get("/api/v1/_zero")
        assert failed.status_code == 500 and "logged" in failed.json()["detail"]
        assert client.get("/api/v1/_nul", params={"value": "ok"}).json() == {"echo": "ok"}
        reply = client.get("/api/v1/_nul", params={"value": NUL})
    assert reply.status_code == 422
    assert reply.headers["content-type"] == "application/problem+json"
    assert "NUL" in reply.json()["detail"]
