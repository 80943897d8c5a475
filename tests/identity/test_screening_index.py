"""The alert index: compact storage, and keys that find what registries vary."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from hito.identity.prepare import prepare_record
from hito.identity.screening import AlertIndex

ENTRIES = [
    {"id": "1", "given_names": "Yorman José", "surnames": "Briceño Marcano",
     "birth_date": "1988-06-02", "sex": "M", "nationality": "VE", "kind": "wanted_person"},
    {"id": "2", "given_names": "Yorman José", "surnames": "Pérez Rojas",
     "birth_date": "1990-01-15", "sex": "M", "nationality": "VE", "kind": "wanted_person"},
    {"id": "3", "given_names": "Ana", "surnames": "Quintero", "birth_date": "",
     "sex": "F", "nationality": "CO", "kind": "wanted_person"},
]  # fmt: skip


def _index() -> AlertIndex:
    columns = {k: [str(e.get(k, "")) for e in ENTRIES] for k in ENTRIES[0]}
    return AlertIndex.build(
        pa.table({**columns, "list_name": ["demo"] * 3, "reference": ["r"] * 3})
    )


BASE = {"given_names": "", "surnames": "", "birth_date": "", "sex": "", "nationality": "",
        "document_type": "", "document_number": ""}  # fmt: skip


def _found(index: AlertIndex, **person: str) -> list[str]:
    """The entries the person's keys reach (before scoring)."""
    reached = index.candidates(prepare_record({**BASE, **person}))
    return sorted(str(index.entry(position)["id"]) for position in reached)


def test_names_are_stored_once_and_entries_read_back_whole() -> None:
    index = _index()
    given = index.entry(0)["g_all"]
    assert given == "yorman jose" and index.entry(1)["g_all"] is given  # one copy
    assert index.entry(2)["byear"] is None and index.entry(2)["kind"] == "wanted_person"
    assert len(index) == 3


def test_entries_are_rows_of_codes_and_keys_one_sorted_array() -> None:
    """Nothing is kept per entry as a Python object: a million entries fit in well under 2 GiB."""
    index = _index()
    assert index.rows.dtype == np.int32 and index.rows.shape[0] == 3
    assert len(index.values) == len(set(index.values))  # each distinct name, list, kind once
    assert index.values.count("yorman jose") == 1
    hashes = index.key_hashes
    assert hashes.dtype == np.int64 and bool((hashes[1:] >= hashes[:-1]).all())
    assert index.key_positions.dtype == np.uint32 and len(index.key_positions) == len(hashes)
    assert set(index.key_positions.tolist()) == {0, 1, 2}
    assert index.entry(0)["doc"] is None and index.entry(0)["id"] == "1"


def test_keys_find_swapped_columns_a_wrong_year_digit_and_no_birth_date() -> None:
    index = _index()
    exact = {**BASE, "given_names": "Yorman José", "surnames": "Briceño Marcano",
             "birth_date": "1988-06-02"}  # fmt: skip
    assert [c.entry["id"] for c in index.screen_record(exact, threshold=0.2)] == ["1"]
    # given names and surnames in each other's columns
    assert "1" in _found(index, given_names="Briceño Marcano", surnames="Yorman José",
                         birth_date="1988-06-02")  # fmt: skip
    # one digit of the year wrong: found by the day and month
    assert "1" in _found(index, given_names="Yorman José", surnames="Briceño Marcano",
                         birth_date="1968-06-02")  # fmt: skip
    # a listed person without a birth date, screened with one
    assert "3" in _found(index, given_names="Ana", surnames="Quintero", birth_date="1991-03-03")
    # a namesake born elsewhere in time is not
    assert "1" not in _found(index, given_names="Yorman José", surnames="Briceño Marcano",
                             birth_date="1961-11-23")  # fmt: skip
