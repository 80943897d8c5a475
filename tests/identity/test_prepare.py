"""Preparation of person records: the SQL (bulk) and Python (one record) versions agree."""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pytest

from hito.identity import prepare
from hito.identity.synthetic import Noise, Population, record

FIELDS = [
    "g_all", "g1", "g2", "s_all", "s1", "s2", "married", "g1_ph", "s1_ph", "s2_ph",
    "byear", "bmonth", "bday", "dob", "dob_swap", "sex", "nat", "doc", "doc_kind", "doc_head",
    "doc_tail", "name_key", "first_key", "initials", "byear_decade", "byear_unit", "first_halves",
]  # fmt: skip

AWKWARD = [
    {"id": "a", "given_names": "María de los Ángeles", "surnames": "López de Pérez",
     "birth_date": "14/03/1987", "sex": "mujer", "nationality": "venezolana",
     "document_type": "ve-cedula", "document_number": "V-12.345.678"},
    {"id": "b", "given_names": "JOSE  ANTONIO", "surnames": "Pérez de la Rosa",
     "birth_date": "1987-3-4", "sex": "M", "nationality": "VEN",
     "document_type": "pe-dni", "document_number": "10117410-2"},
    {"id": "c", "given_names": "Jean-Robert", "surnames": "Saint-Louis",
     "birth_date": "19xx0230", "sex": "?", "nationality": "Narnia",
     "document_type": "", "document_number": "AB-12"},
    {"id": "d", "given_names": "", "surnames": None, "birth_date": "1990-13",
     "sex": "", "nationality": "", "document_type": None, "document_number": "000"},
    {"id": "e", "given_names": "Ñuño", "surnames": "Guevara Chacón y Villalobos",
     "birth_date": "20011231", "sex": "h", "nationality": "co",
     "document_type": "", "document_number": "1.020.304.050"},
    {"id": "f", "given_names": "'; drop table x;--", "surnames": "de",
     "birth_date": "1899-01-01", "sex": "F", "nationality": "PE",
     "document_type": "", "document_number": "   "},
]  # fmt: skip


def _sql(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    connection = duckdb.connect()
    prepare.install(connection)
    columns = {c: [r.get(c) for r in rows] for c in prepare.STANDARD_COLUMNS}
    connection.register("src", pa.table({k: pa.array(v, pa.string()) for k, v in columns.items()}))
    return list(
        connection.sql(f"select * from ({prepare.prepare_select('src')}) order by id")
        .to_arrow_table()
        .to_pylist()
    )


@pytest.mark.parametrize("rows", ["awkward", "synthetic"])
def test_python_preparation_matches_sql(rows: str) -> None:
    if rows == "awkward":
        records = AWKWARD
    else:
        population = Population(5)
        people = population.people(3000)
        records = [record(population.rng, p, Noise(), f"{i:05d}") for i, p in enumerate(people)]
    by_sql = {r["id"]: r for r in _sql(records)}
    for source in records:
        python = prepare.prepare_record(source)
        sql = by_sql[source["id"]]
        for name in FIELDS:
            assert python[name] == sql[name], (source, name, python[name], sql[name])
        assert set(python["s_tok"]) == set(sql["s_tok"])
        assert python["g_tok"] == sql["g_tok"]
        assert set(python["name_ph"]) == set(sql["name_ph"])
        assert set(python["name_pairs"]) == set(sql["name_pairs"])


def test_awkward_values_are_read_as_people_write_them() -> None:
    a, b, c, d, e, f = (prepare.prepare_record(r) for r in AWKWARD)
    assert (a["g_all"], a["s_all"], a["married"]) == ("maria angeles", "lopez", "perez")
    assert (a["dob"], a["sex"], a["nat"], a["doc"]) == ("1987-03-14", "f", "VE", "12345678")
    assert (b["s1"], b["s2"], b["dob"], b["doc"]) == ("perez", "rosa", "1987-03-04", "10117410")
    assert b["dob_swap"] == "1987-04-03"
    assert (c["byear"], c["sex"], c["nat"], c["doc"]) == (None, None, None, "AB12")
    assert (d["g_all"], d["byear"], d["bmonth"], d["doc"]) == (None, 1990, None, "000")
    assert (e["g1_ph"], e["s_all"], e["dob"]) == ("nuno", "guevara chacon villalobos", "2001-12-31")
    assert (f["s_all"], f["byear"]) == (None, None)
