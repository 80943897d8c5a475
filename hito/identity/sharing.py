"""Alert list entries as the exchange carries them (a country shares a list it chose to share)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from hito.exchange.registry import ApplyContext, RecordType, WireField, register
from hito.exchange.wire import AgencyCode, codes
from hito.identity.models import AlertEntry, AlertKind
from hito.text import Line


class AlertEntryWire(BaseModel):
    model_config = ConfigDict(extra="forbid")

    list_name: Line | None = Field(None, min_length=1, max_length=100)
    kind: AlertKind | None = None
    reference: Line = Field("", max_length=100)
    given_names: Line | None = Field(None, max_length=200)
    surnames: Line | None = Field(None, max_length=200)
    birth_date: str | None = Field(None, pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")
    sex: str | None = Field(None, pattern=r"^[FMX]$")
    nationality: str | None = Field(None, pattern=r"^[A-Z]{2}$")
    document_type: Line | None = Field(None, max_length=32)
    document_number: Line | None = Field(None, max_length=64)
    reporting_agency: AgencyCode | None = None


_COLUMNS = (
    "reference",
    "given_names",
    "surnames",
    "birth_date",
    "sex",
    "nationality",
    "document_type",
    "document_number",
)


class AlertEntryRecords(RecordType):
    name = "alert_entry"
    model = AlertEntry
    fields = {
        "list_name": WireField(),
        "kind": WireField(),
        "reference": WireField(blank=""),
        "given_names": WireField(),
        "surnames": WireField(),
        "birth_date": WireField(),
        "sex": WireField(),
        "nationality": WireField(),
        "document_type": WireField(),
        "document_number": WireField(),
        "reporting_agency": WireField(),
    }
    structural = frozenset({"list_name", "kind", "reporting_agency"})
    wire = AlertEntryWire

    def to_wire(self, session: Any, records: Sequence[Any]) -> list[dict[str, Any]]:
        lookup = codes(session)
        return [
            {
                "list_name": e.list_name,
                "kind": e.kind.value if hasattr(e.kind, "value") else e.kind,
                **{column: getattr(e, column) for column in _COLUMNS},
                "reporting_agency": lookup.agency(e.reporting_agency_id),
            }
            for e in records
        ]

    def columns(self, record: dict[str, Any], context: ApplyContext, uid: str) -> dict[str, Any]:
        return {
            "list_name": record["list_name"],
            "kind": record["kind"],
            **{column: record.get(column, self.fields[column].blank) for column in _COLUMNS},
            "reporting_agency_id": codes(context.session).agency_id(record["reporting_agency"]),
        }


ALERT_ENTRY = register(AlertEntryRecords())
