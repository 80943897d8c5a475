"""Events over real HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from tests.factories import event_payload, local_id

Login = Callable[[str], httpx.Client]


def test_create_returns_stored_event_with_sector_and_first_observation(login: Login) -> None:
    api = login("cl.operator")
    reply = api.post("/api/v1/events", json=event_payload())
    assert reply.status_code == 201, reply.text
    event = reply.json()
    assert event["id"] > 0
    assert event["occurred_at"] == "2025-11-24T16:00:00Z"  # stored in UTC
    assert event["sector"] == "S2-CHACALLUTA"  # derived by point-in-polygon
    assert event["reporting_agency"] == "CL-CARABINEROS"
    assert event["origin_node"] == "CL" and event["version"] == 1
    assert [o["headcount"] for o in event["observations"]] == [100]
    again = api.get(f"/api/v1/events/{event['id']}").json()
    assert again["description"] == "Grupo varado al norte de Chacalluta"


def test_stranded_group_is_one_event_with_observations_of_both_countries(
    login: Login, sync: Callable[[], int]
) -> None:
    """100 reported in Chile, 70 counted by Peru's PNP on its copy, 20 counted in Chile: one
    event, owned by Chile, whose history both nodes hold the same."""
    carabineros, pnp = login("cl.operator"), login("pe.operator")
    event = carabineros.post("/api/v1/events", json=event_payload()).json()
    sync()
    on_peru = local_id(pnp, "events", event["uid"])
    seen = pnp.post(
        f"/api/v1/events/{on_peru}/observations",
        json={"observed_at": "2025-11-25T12:00:00-05:00", "headcount": 70, "note": "recuento"},
    )
    assert seen.status_code == 201, seen.text
    assert seen.json()["headcount"] == 100  # Peru's copy changes when Chile, its origin, does
    sync()
    assert carabineros.get(f"/api/v1/events/{event['id']}").json()["headcount"] == 70
    carabineros.post(
        f"/api/v1/events/{event['id']}/observations",
        json={"observed_at": "2025-11-27T18:00:00-03:00", "headcount": 20, "note": "recuento"},
    )
    sync()
    for api, event_id in [(carabineros, event["id"]), (pnp, on_peru)]:
        detail = api.get(f"/api/v1/events/{event_id}").json()
        assert [o["headcount"] for o in detail["observations"]] == [100, 70, 20]
        assert [o["agency"] for o in detail["observations"]] == [
            "CL-CARABINEROS",
            "PE-PNP",
            "CL-CARABINEROS",
        ]
        assert [o["origin_node"] for o in detail["observations"][1:]] == ["PE", "CL"]
        assert detail["headcount"] == 20 and detail["version"] == 3
        assert detail["origin_node"] == "CL" and detail["uid"] == event["uid"]


def test_late_observation_keeps_latest_figures(login: Login) -> None:
    api = login("cl.operator")
    event = api.post("/api/v1/events", json=event_payload()).json()
    api.post(
        f"/api/v1/events/{event['id']}/observations",
        json={"observed_at": "2025-11-27T18:00:00-03:00", "headcount": 20},
    )
    api.post(
        f"/api/v1/events/{event['id']}/observations",
        json={"observed_at": "2025-11-25T12:00:00-03:00", "headcount": 70},
    )
    detail = api.get(f"/api/v1/events/{event['id']}").json()
    assert detail["headcount"] == 20
    assert [o["headcount"] for o in detail["observations"]] == [100, 70, 20]


def test_batch_stores_all_and_returns_ids(login: Login) -> None:
    api = login("cl.operator")
    batch = [
        event_payload(
            type="irregular_crossing",
            headcount=i + 1,
            occurred_at=f"2025-11-{10 + i % 10:02d}T03:00:00-03:00",
        )
        for i in range(250)
    ]
    reply = api.post("/api/v1/events/batch", json={"events": batch})
    assert reply.status_code == 201, reply.text
    body = reply.json()
    assert body["count"] == 250 and len(set(body["ids"])) == 250
    stored = api.get(f"/api/v1/events/{body['ids'][-1]}").json()
    assert stored["headcount"] == 250


def test_batch_with_one_bad_event_stores_nothing(login: Login) -> None:
    api = login("cl.operator")
    batch = [event_payload(description=f"lote-{i}") for i in range(20)]
    batch[13]["location"] = {"lat": 123, "lon": -70.3}
    reply = api.post("/api/v1/events/batch", json={"events": batch})
    assert reply.status_code == 422
    problem = reply.json()
    assert problem["errors"][0]["field"] == "events.13.location.lat"
    assert api.get("/api/v1/events").json()["items"] == []


def test_batch_over_ten_thousand_is_refused(login: Login) -> None:
    api = login("cl.operator")
    reply = api.post("/api/v1/events/batch", json={"events": [event_payload()] * 10_001})
    assert reply.status_code == 422
    assert "10000" in reply.text
    assert api.get("/api/v1/events").json()["items"] == []


def _seed(api: httpx.Client) -> list[dict]:
    payloads = [
        event_payload(type="stranded_group", occurred_at="2025-11-24T13:00:00-03:00"),
        event_payload(
            type="irregular_crossing",
            occurred_at="2025-11-20T02:00:00-03:00",
            location={"lat": -18.33, "lon": -70.39},
        ),
        event_payload(
            type="official_measure",
            occurred_at="2025-11-18T10:00:00-05:00",
            location={"lat": -18.0147, "lon": -70.2536},
        ),
        event_payload(
            type="patrol_report",
            occurred_at="2025-11-26T07:00:00-03:00",
            location={"lat": -17.70, "lon": -69.80},
        ),
    ]
    reply = api.post("/api/v1/events/batch", json={"events": payloads})
    assert reply.status_code == 201
    return payloads


def _types(reply: httpx.Response) -> list[str]:
    assert reply.status_code == 200, reply.text
    return [e["type"] for e in reply.json()["items"]]


def test_list_filters(login: Login) -> None:
    api = login("cl.operator")
    _seed(api)
    assert _types(api.get("/api/v1/events")) == [
        "patrol_report",
        "stranded_group",
        "irregular_crossing",
        "official_measure",
    ]
    assert _types(api.get("/api/v1/events", params={"type": "irregular_crossing"})) == [
        "irregular_crossing"
    ]
    assert _types(
        api.get("/api/v1/events", params=[("type", "patrol_report"), ("type", "official_measure")])
    ) == ["patrol_report", "official_measure"]
    assert _types(
        api.get(
            "/api/v1/events",
            params={"since": "2025-11-20T00:00:00-03:00", "until": "2025-11-25T00:00:00-03:00"},
        )
    ) == ["stranded_group", "irregular_crossing"]
    assert _types(api.get("/api/v1/events", params={"bbox": "-70.5,-18.4,-70.3,-18.3"})) == [
        "irregular_crossing"
    ]
    assert _types(api.get("/api/v1/events", params={"sector": "S1-LITORAL"})) == [
        "irregular_crossing"
    ]
    assert _types(api.get("/api/v1/events", params={"agency": "CL-CARABINEROS"})) != []
    assert _types(api.get("/api/v1/events", params={"agency": "PE-PNP"})) == []


def test_list_rejects_bad_filters_with_field_messages(login: Login) -> None:
    api = login("cl.operator")
    for params, field in [
        ({"bbox": "1,2,3"}, "bbox"),
        ({"bbox": "a,b,c,d"}, "bbox"),
        ({"since": "yesterday"}, "since"),
        ({"type": "earthquake"}, "type"),
        ({"limit": 0}, "limit"),
        ({"sector": "S1\x00"}, "sector"),
        ({"agency": "CL-PDI\x00"}, "agency"),
        ({"since": "2025-11-01T00:00:00"}, "since"),
    ]:
        reply = api.get("/api/v1/events", params=params)
        assert reply.status_code == 422, params
        assert reply.headers["content-type"] == "application/problem+json"
        assert reply.json()["errors"][0]["field"].startswith(field), reply.json()
    assert api.get("/api/v1/events", params={"cursor": "garbage!"}).status_code == 422
    for params in [{"sector": "S9-NOWHERE"}, {"agency": "XX-NONE"}]:  # match nothing
        reply = api.get("/api/v1/events", params=params)
        assert reply.status_code == 200 and reply.json()["items"] == [], params


def test_cursor_pagination_walks_everything_once(login: Login) -> None:
    api = login("cl.operator")
    batch = [
        event_payload(occurred_at=f"2025-11-{1 + i % 28:02d}T0{i % 10}:00:00-03:00")
        for i in range(57)
    ]
    ids = set(api.post("/api/v1/events/batch", json={"events": batch}).json()["ids"])
    seen: list[int] = []
    cursor = None
    for _ in range(10):  # 57 events, 10 a page: 6 pages; more means the cursor is stuck
        params: dict[str, str | int] = {"limit": 10}
        if cursor:
            params["cursor"] = cursor
        page = api.get("/api/v1/events", params=params).json()
        seen += [e["id"] for e in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert cursor is None, "pagination did not end"
    assert len(seen) == 57 and set(seen) == ids
    ordered = [
        (e["occurred_at"], e["id"])
        for e in api.get("/api/v1/events", params={"limit": 500}).json()["items"]
    ]
    assert [i for _, i in ordered] == seen  # pages in the same order as one long page


def test_patch_with_stale_version_is_a_conflict_and_changes_nothing(login: Login) -> None:
    api = login("cl.pdi")
    event = api.post("/api/v1/events", json=event_payload()).json()
    ok = api.patch(f"/api/v1/events/{event['id']}", json={"version": 1, "status": "monitoring"})
    assert ok.status_code == 200 and ok.json()["version"] == 2
    stale = api.patch(f"/api/v1/events/{event['id']}", json={"version": 1, "status": "closed"})
    assert stale.status_code == 409
    assert api.get(f"/api/v1/events/{event['id']}").json()["status"] == "monitoring"


def test_healthz(client: httpx.Client) -> None:
    reply = client.get("/healthz")
    assert reply.status_code == 200
    assert reply.json()["database"] == "ok" and reply.json()["node"] == "CL"


def test_extreme_times_are_refused_not_crashed(login: Login) -> None:
    api = login("cl.operator")
    for when in ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "1850-01-01T00:00:00Z"]:
        listed = api.get("/api/v1/events", params={"since": when})
        created = api.post("/api/v1/events", json=event_payload(occurred_at=when))
        assert listed.status_code == created.status_code == 422, (when, listed.text)
        assert created.json()["errors"][0]["field"] == "occurred_at"
    assert api.get("/api/v1/events").json()["items"] == []


def test_forged_cursors_are_refused(login: Login) -> None:
    import base64

    api = login("cl.operator")
    for raw in ["0001-01-01T00:00:00+14:00|1", "2025-11-01T00:00:00|1", "x|y", "no separator"]:
        cursor = base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")
        reply = api.get("/api/v1/events", params={"cursor": cursor})
        assert reply.status_code == 422, raw
        assert "cursor" in reply.json()["detail"]
