"""The trained model itself: what random sampling cannot estimate is counted or bounded."""

from __future__ import annotations

import math

import duckdb
import pyarrow as pa
import pytest

from hito.identity import prepare
from hito.identity.linkage import link
from hito.identity.linkage.model import SAME_DOCUMENT
from hito.identity.linkage.run import U_SAMPLE, complete_u, document_counts
from hito.identity.synthetic import COLUMNS, Noise, registries


def _level(label: str, m: float, u: float | None) -> dict:
    return {"label_for_charts": label, "m_probability": m, "u_probability": u}


def _model(document_u: float | None) -> dict:
    levels = [
        {"sql_condition": "null", "is_null_level": True},
        _level(SAME_DOCUMENT, 0.9, document_u),
        _level("one slip apart", 0.05, None),
        _level("else", 0.05, 0.99),
    ]
    return {"comparisons": [{"output_column_name": "document", "comparison_levels": levels}]}


def test_document_u_is_counted_and_unseen_levels_get_half_an_observation() -> None:
    levels = complete_u(_model(None), (30.0, 1_000_000.0))["comparisons"][0]["comparison_levels"]
    assert levels[1]["u_probability"] == pytest.approx(3e-5)
    assert levels[2]["u_probability"] == pytest.approx(0.5 / U_SAMPLE)
    assert levels[3]["u_probability"] == 0.99  # an estimated u stays as sampled
    assert "u_probability" not in levels[0]


def test_no_shared_document_still_gives_a_finite_weight() -> None:
    levels = complete_u(_model(None), (0.0, 1_000_000.0))["comparisons"][0]["comparison_levels"]
    assert levels[1]["u_probability"] == pytest.approx(0.5 / 1_000_000)


def test_document_counts_for_a_link_and_for_a_dedupe() -> None:
    connection = duckdb.connect()
    prepare.install(connection)
    rows = {
        "l": [("a", "V-1.234.567"), ("b", "V-1.234.567"), ("c", ""), ("d", "555")],
        "r": [("x", "1234567"), ("y", "999"), ("z", "")],
    }
    for name, records in rows.items():
        columns = {column: [""] * len(records) for column in COLUMNS}
        columns["id"] = [i for i, _ in records]
        columns["document_number"] = [d for _, d in records]
        connection.register(f"{name}_raw", pa.table(columns))
        connection.execute(prepare.prepare_sql(f"{name}_raw", name, extra=())).fetchall()
    # left has 3 documents (two the same number), right 2; one number shared by 2 × 1 pairs
    assert document_counts(connection, ["l", "r"]) == (2.0, 6.0)
    # within left: 3 documents make 3 pairs, one of which shares its number
    assert document_counts(connection, ["l"]) == (1.0, 3.0)


@pytest.fixture(scope="module")
def trained() -> dict:
    data = registries(3000, 1500, seed=13, noise=Noise())
    outcome = link(pa.Table.from_pylist(data.left), pa.Table.from_pylist(data.right))
    return outcome.model_json


def test_a_shared_document_number_weighs_what_its_rarity_says(trained: dict) -> None:
    (document,) = [c for c in trained["comparisons"] if c["output_column_name"] == "document"]
    levels = document["comparison_levels"]
    same = next(lv for lv in levels if lv.get("label_for_charts") == SAME_DOCUMENT)
    weight = math.log2(same["m_probability"] / same["u_probability"])
    # about 600 shared numbers among ~1,000,000 pairs with documents on both sides: ~10 bits
    assert 8 < weight < 13, weight
    for comparison in trained["comparisons"]:
        for level in comparison["comparison_levels"]:
            if not level.get("is_null_level"):
                assert isinstance(level["u_probability"], float), level


def test_one_to_one_candidates_share_the_evidence() -> None:
    from hito.identity.linkage.run import _pairs

    connection = duckdb.connect()
    connection.execute(
        "create table predictions as select * from (values "
        "('a', 'x', 10.0), ('a', 'y', 10.0), ('b', 'z', 10.0), ('c', 'z', -5.0)"
        ") t(id_l, id_r, match_weight)"
    )
    connection.execute("alter table predictions add column match_probability double default 0")
    connection.execute("update predictions set match_probability = 1 / (1 + pow(2, -match_weight))")
    plain = _pairs(connection, "predictions", 0.5).to_pylist()
    assert {(p["id_left"], p["id_right"]) for p in plain} == {("a", "x"), ("a", "y"), ("b", "z")}
    # One to one: a's two equally good candidates are each a coin toss, below 0.5...
    linked = _pairs(connection, "predictions", 0.5, one_to_one=True).to_pylist()
    assert [(p["id_left"], p["id_right"]) for p in linked] == [("b", "z")]
    odds = 2.0**10
    assert linked[0]["match_probability"] == pytest.approx(odds / (1 + 2**-5 + odds))
    assert linked[0]["match_weight"] == pytest.approx(10 - math.log2(1 + 2**-5))
    # ...and below it, the tie goes to the first by id, never to both.
    lower = _pairs(connection, "predictions", 0.3, one_to_one=True).to_pylist()
    assert sorted((p["id_left"], p["id_right"]) for p in lower) == [("a", "x"), ("b", "z")]
    assert lower[-1]["match_probability"] == pytest.approx(odds / (1 + 2 * odds))


def _person(given: str, surnames: str, birth: str, ident: str) -> dict:
    return {
        "id": ident, "given_names": given, "surnames": surnames, "birth_date": birth,
        "sex": "M", "nationality": "VE", "document_type": "", "document_number": "",
    }  # fmt: skip


def test_names_in_each_others_columns_weigh_once(trained: dict) -> None:
    """A swap of given names and surnames is one piece of evidence: weighed in given names,
    nothing in surnames. Counted in both (~17 bits each), it linked "Luis | Cabrera" to
    "Cabrera | Luis" born five years apart, and such pairs were most of the wrong links."""
    from hito.identity.linkage import explain

    (swapped,) = explain(
        trained,
        [_person("Luis", "Cabrera Gutiérrez", "1996-08-02", "PE1")],
        [_person("CABRERA", "LUIS", "1991-03-19", "CL1")],
    )
    fields = {f["field"]: f for f in swapped["fields"]}
    assert "each other's columns" in fields["given_names"]["level"]
    assert fields["given_names"]["weight"] > 5
    assert fields["surnames"]["weight"] == 0 and "weighed once" in fields["surnames"]["level"]
    assert swapped["match_probability"] < 0.5, swapped


def test_names_in_each_others_columns_with_a_typing_slip_still_agree(trained: dict) -> None:
    from hito.identity.linkage import explain

    (slipped,) = explain(
        trained,
        [_person("Lopz Saenz", "Augusto Javier", "2004-09-07", "PE1")],
        [_person("AUGUSTO", "LÓPEZ SÁENZ", "2004-09-07", "CL1")],
    )
    fields = {f["field"]: f for f in slipped["fields"]}
    assert "nearly" in fields["given_names"]["level"] and fields["given_names"]["weight"] > 5
    assert fields["surnames"]["weight"] == 0
    assert slipped["match_probability"] > 0.9, slipped


def test_given_names_made_from_surnames_are_not_read_as_swapped(trained: dict) -> None:
    """Fernando Fernández and Fernanda Fernández: each first given name is nearly the other's
    surname, but the names also nearly agree in their own columns: not a swap."""
    from hito.identity.linkage import explain

    (pair,) = explain(
        trained,
        [_person("Fernando", "Fernández", "1990-01-01", "PE1")],
        [_person("FERNANDA", "FERNÁNDEZ", "1990-01-01", "CL1")],
    )
    fields = {f["field"]: f for f in pair["fields"]}
    assert "each other's columns" not in fields["given_names"]["level"], fields
    assert fields["surnames"]["weight"] > 0, fields


def test_a_missing_surname_reads_as_missing_not_as_a_swap(trained: dict) -> None:
    """Both weigh nothing and Splink numbers both -1: the explanation tells them apart by the
    values compared."""
    from hito.identity.linkage import explain

    (missing,) = explain(
        trained,
        [_person("Luis", "", "1996-08-02", "PE1")],
        [_person("LUIS", "CABRERA", "1996-08-02", "CL1")],
    )
    (swapped,) = explain(
        trained,
        [_person("Luis", "Cabrera Gutiérrez", "1996-08-02", "PE1")],
        [_person("CABRERA", "LUIS", "1996-08-02", "CL1")],
    )
    surnames = {p["id_left"] + str(i): f for i, p in enumerate((missing, swapped))
                for f in p["fields"] if f["field"] == "surnames"}  # fmt: skip
    assert surnames["PE10"]["level"] == "missing on one side"
    assert (
        surnames["PE11"]["level"] == "names in each other's columns: weighed once, in given names"
    )
    assert surnames["PE10"]["weight"] == surnames["PE11"]["weight"] == 0
