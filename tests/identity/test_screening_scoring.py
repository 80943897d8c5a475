"""The screening's weights: a rare name is worth more than a common one, a lone name is weighed
by how often it begins anyone's name, names are weighed within the nationality both sides give,
names written in each other's columns are read the other way round, and a listed document is
a hit only as a document of its own kind."""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from hito.identity.prepare import prepare_record
from hito.identity.screening import DEFAULT_THRESHOLD, AlertIndex
from hito.identity.screening.scoring import EXCHANGED_COLUMNS, FieldScore, score

BASE = {"given_names": "", "surnames": "", "birth_date": "", "sex": "", "nationality": "",
        "document_type": "", "document_number": ""}  # fmt: skip
GIVEN = ["Ana", "Rosa", "Lucía", "Marta", "Elena", "Carmen", "Julia", "Sara", "Inés", "Laura"]
SECOND = ["Pérez", "Rojas", "Soto", "Vera", "Díaz", "Mora", "Silva", "Ríos", "Paz", "León"]


def _index(entries: list[dict[str, str]]) -> AlertIndex:
    rows = [{**BASE, "id": str(i), "kind": "wanted_person", "list_name": "demo", **e}
            for i, e in enumerate(entries)]  # fmt: skip
    return AlertIndex.build(pa.Table.from_pylist(rows))


def _venezuelans(count: int, first_surname: str) -> list[dict[str, str]]:
    """`count` women whose first surname is `first_surname`, each otherwise her own."""
    return [
        {"given_names": GIVEN[i % 10], "surnames": f"{first_surname} {SECOND[i // 10 % 10]}",
         "birth_date": f"{1950 + i % 50}-{1 + i % 12:02d}-{1 + i % 28:02d}", "sex": "F",
         "nationality": "VE"}
        for i in range(count)
    ]  # fmt: skip


def _fields(index: AlertIndex, position: int, **person: str) -> dict[str, FieldScore]:
    _, fields = score(prepare_record({**BASE, **person}), index.entry(position), index.frequencies)
    return {f.field: f for f in fields}


def test_a_rare_surname_weighs_more_than_a_common_one() -> None:
    index = _index(
        _venezuelans(400, "González")
        + [{"given_names": "Ana", "surnames": "Zamudio Arriagada", "birth_date": "1990-05-05",
            "sex": "F", "nationality": "VE"}]
    )  # fmt: skip
    common = _fields(index, 0, given_names="Ana", surnames="González Pérez")
    rare = _fields(index, 400, given_names="Ana", surnames="Zamudio Arriagada")
    assert common["surnames"].level == rare["surnames"].level == "all surnames agree"
    assert rare["surnames"].weight >= common["surnames"].weight + 2
    # the same given name, weighed the same in both
    assert common["given_names"].weight == rare["given_names"].weight


def test_a_lone_surname_is_weighed_as_a_first_surname() -> None:
    """Cortés alone is rare as a whole surname field, but a tenth of the list begins with it:
    agreeing on it is agreeing on a common surname."""
    index = _index(
        _venezuelans(100, "Cortés") + _venezuelans(900, "Fuenzalida")
        + [{"given_names": "Paola", "surnames": "Cortés", "sex": "F", "nationality": "VE"},
           {"given_names": "Paola", "surnames": "Iturra", "sex": "F", "nationality": "VE"}]
    )  # fmt: skip
    common = _fields(index, 1000, given_names="Paola", surnames="Cortés")
    rare = _fields(index, 1001, given_names="Paola", surnames="Iturra")
    assert common["surnames"].level == rare["surnames"].level == "all surnames agree"
    assert rare["surnames"].weight >= common["surnames"].weight + 3


def test_names_common_in_a_nationality_weigh_less_when_both_give_it() -> None:
    """Kesner and Edouard are rare on a Venezuelan list and common among its Haitians."""
    haitians = [
        {"given_names": ["Kesner", "Jean", "Wilner"][i % 3],
         "surnames": ["Edouard", "Pierre", "Joseph", "Louis"][i % 4],
         "birth_date": f"{1960 + i % 40}-03-{1 + i % 28:02d}", "sex": "M", "nationality": "HT"}
        for i in range(120)
    ]  # fmt: skip
    index = _index(haitians + _venezuelans(2000, "González"))
    person = {"given_names": "Kesner", "surnames": "Edouard", "sex": "M"}
    assert index.entry(0)["g_all"] == "kesner" and index.entry(0)["s_all"] == "edouard"
    both = _fields(index, 0, **person, nationality="HT")
    unknown = _fields(index, 0, **person)
    assert both["given_names"].weight < unknown["given_names"].weight - 2
    assert both["surnames"].weight < unknown["surnames"].weight - 1
    # the nationality, rare on the list, is worth more than a common one
    assert both["nationality"].weight > _fields(index, 200, nationality="VE")["nationality"].weight
    # and the names together no longer count the nationality twice
    total = sum(f.weight for f in both.values())
    assert total < sum(f.weight for f in unknown.values())


def test_names_in_each_other_s_columns_and_a_slip_are_still_a_hit() -> None:
    index = _index(
        [{"given_names": "Patricio", "surnames": "Orjuela Paz", "birth_date": "1977-11-29",
          "sex": "M", "nationality": "PE"}] + _venezuelans(50, "Soto")
    )  # fmt: skip
    person = {**BASE, "given_names": "ORJEULA PAZ", "surnames": "PATRICIO",
              "birth_date": "1977-11-29", "sex": "M", "nationality": "PE"}  # fmt: skip
    (hit,) = index.screen_record(person, threshold=DEFAULT_THRESHOLD)
    fields = {f.field: f for f in hit.fields}
    assert fields["given_names"].level.startswith("written as surnames: all given names agree")
    assert fields["surnames"].level == "written as given names: surnames nearly agree (typing slip)"
    # the exchange costs its weight: the same names written in their columns weigh more
    (straight,) = index.screen_record(
        {**person, "given_names": "Patricio", "surnames": "Orjeula Paz"}, threshold=0.0
    )
    assert hit.weight == straight.weight + EXCHANGED_COLUMNS


def test_a_common_given_name_and_a_birth_date_alone_are_not_a_hit() -> None:
    """Surnames that differ outweigh a shared common given name, on a list where the birth
    date is shared by others too."""
    index = _index(_venezuelans(600, "González"))
    entry = index.entry(0)
    person = {**BASE, "given_names": "Ana", "surnames": "Quispe Mamani",
              "birth_date": f"{entry['dob']}", "sex": "F", "nationality": "VE"}  # fmt: skip
    assert index.screen_record(person, threshold=DEFAULT_THRESHOLD) == []


def _hits(index: AlertIndex, **person: Any) -> list[str]:
    return [c.reason for c in index.screen_record({**BASE, **person}, threshold=0.5)]


def test_a_listed_document_is_a_hit_only_as_a_document_of_its_kind() -> None:
    index = AlertIndex.build(
        pa.Table.from_pylist(
            [{**BASE, "id": "9", "document_type": "ve-cedula", "document_number": "12345678",
              "kind": "stolen_document", "list_name": "robados"}]
        )
    )  # fmt: skip
    assert _hits(index, document_type="ve-cedula", document_number="V-12.345.678") == ["document"]
    assert _hits(index, document_number="12.345.678") == ["document"]  # kind not given
    # a Peruvian DNI with the same digits is another document
    assert _hits(index, document_type="pe-dni", document_number="12345678") == []
