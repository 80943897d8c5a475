"""Factory functions for test data: valid payloads with overridable fields."""

from __future__ import annotations

from typing import Any


def event_payload(**overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "type": "stranded_group",
        "occurred_at": "2025-11-24T13:00:00-03:00",
        "location": {"lat": -18.29, "lon": -70.33},
        "headcount": 100,
        "sharing_level": "binational",
        "description": "Grupo varado al norte de Chacalluta",
    }
    payload.update(overrides)
    return payload


def person_payload(**overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "given_names": "María José",
        "surname_1": "Pérez",
        "surname_2": "de la Rosa",
        "birth_date": "1990-05",
        "sex": "female",
        "nationality": "VE",
        "encountered_at": "2025-11-24T16:00:00-03:00",
        "documents": [{"type": "ve-cedula", "number": "V-18.345.678", "issuing_country": "VE"}],
        "sharing_level": "binational",
        "protection": {"vulnerabilities": ["pregnant"], "notes": "Embarazo de 30 semanas"},
    }
    payload.update(overrides)
    return payload


def local_id(api: Any, kind: str, uid: str) -> int:
    """The id a record of another node has on the node ``api`` talks to (found by global id)."""
    items = api.get(f"/api/v1/{kind}", params={"uid": uid}).json()["items"]
    assert len(items) == 1, f"{kind} {uid} is not on this node"
    return int(items[0]["id"])
