"""Blocking: the pairs that reach scoring, what the rules cost, and the generator's profiles."""

from __future__ import annotations

from collections import Counter

import pyarrow as pa
import pytest

from hito.identity.linkage import blocking, blocking_recall, dedupe, link, run
from hito.identity.linkage.blocking import GUARDED, RULES, Rule, budget, choose
from hito.identity.screening.scoring import one_digit_apart
from hito.identity.synthetic import Noise, Population, record, registries


def _person(rid: str, given: str, surnames: str, birth: str, **more: str) -> dict[str, str]:
    base = {"id": rid, "given_names": given, "surnames": surnames, "birth_date": birth,
            "sex": "F", "nationality": "VE", "document_type": "",
            "document_number": ""}  # fmt: skip
    return {**base, **more}


# The three variations the issue names, each beside strangers who share a little with them.
LEFT = [
    _person("L1", "María José", "Pérez Rojas", "1990-04-12"),
    _person("L2", "Yuleidy", "Contreras Mora", "1985-07-30"),
    _person("L3", "Ana Lucía", "Quintero Salas", "1993-02-17"),
    _person("L9", "Carmen", "Vidal Soto", "1970-01-01"),
]
RIGHT = [
    # names swapped between the columns, same birth date
    _person("R1", "Pérez Rojas", "María José", "1990-04-12"),
    # the same full names, birth date missing on one side
    _person("R2", "Yuleidy", "Contreras Mora", ""),
    # the same surnames, a digit of the birth year wrong
    _person("R3", "Ana", "Quintero Salas", "1983-02-17"),
    _person("R9", "Rosa", "Pérez Vidal", "1971-05-05"),
]
TRUTH = [("L1", "R1"), ("L2", "R2"), ("L3", "R3")]


def test_the_variations_the_field_shows_all_reach_scoring() -> None:
    result = blocking_recall(pa.Table.from_pylist(LEFT), pa.Table.from_pylist(RIGHT), TRUTH)
    assert (result.true_pairs, result.found) == (3, 3)
    # Splink builds the same pairs: the three true ones, and not every pair of the files.
    assert 3 <= result.candidates < len(LEFT) * len(RIGHT)


def test_a_rule_on_names_alone_misses_what_two_tokens_in_common_find() -> None:
    connection = run.connect()
    run._prepare(
        connection, {"l_t": pa.Table.from_pylist(LEFT), "r_t": pa.Table.from_pylist(RIGHT)}, ()
    )
    connection.register("truth_t", pa.table({"id_left": ["L1"], "id_right": ["R1"]}))
    from hito.identity.linkage.blocking import recall

    # The old rule (first given name, first surname, birth year) misses the swap …
    old = Rule.on("g1_ph", "s1_ph", "byear")
    assert recall(connection, [old], "l_t", "r_t", "truth_t") == (1, 0)
    # … two name tokens in common, wherever written, find it.
    assert recall(connection, RULES, "l_t", "r_t", "truth_t") == (1, 1)


# The same three kinds, each with one more variation: what the rules of `RULES` and the names
# without a birth year miss, and the guarded rule that finds it.
HARDER = [
    # names swapped between the columns and each mistyped, a surname dropped, same birth date
    (_person("L1", "Vicente", "Siffredi Bonilla", "2002-12-30"),
     _person("R1", "Sirfedi", "Vicnete", "2002-12-30"), Rule.on("initials", "dob")),
    # the birth date partly missing (the year alone), the given name mistyped, a surname dropped
    (_person("L2", "Matías Darío", "Angarita Valle", "2008-07-29", sex="M"),
     _person("R2", "Maías", "Angarita", "2008", sex="M"),
     Rule.on("first_halves", "byear", explode="first_halves", where="r.bday is null")),
    # the same surnames, a digit of the birth year wrong, the day left out
    (_person("L3", "Ana Lucía", "Quintero Salas", "1993-02-17"),
     _person("R3", "Ana", "Quintero Salas", "1983-02"), Rule.on("first_key", "byear_unit")),
]  # fmt: skip


def test_the_variations_combined_reach_scoring_through_guarded_rules() -> None:
    connection = run.connect()
    left = [pair[0] for pair in HARDER] + LEFT[3:]
    right = [pair[1] for pair in HARDER] + RIGHT[3:]
    run._prepare(
        connection, {"l_t": pa.Table.from_pylist(left), "r_t": pa.Table.from_pylist(right)}, ()
    )
    from hito.identity.linkage.blocking import recall

    names_alone = [
        Rule.on("name_pairs", "g1_ph", explode="name_pairs", where=f"{side}.byear is null")
        for side in "lr"
    ]
    for one, other, rule in HARDER:
        connection.register(
            "truth_t", pa.table({"id_left": [one["id"]], "id_right": [other["id"]]})
        )
        assert recall(connection, [*RULES, *names_alone], "l_t", "r_t", "truth_t") == (1, 0), rule
        assert recall(connection, [rule], "l_t", "r_t", "truth_t") == (1, 1), rule
        connection.unregister("truth_t")
    choice = choose(connection, "l_t", "r_t", ())
    rules = choice.rules
    assert not choice.dropped
    connection.register("truth_t", pa.table({"id_left": ["L1", "L2", "L3"],
                                             "id_right": ["R1", "R2", "R3"]}))  # fmt: skip
    assert recall(connection, rules, "l_t", "r_t", "truth_t") == (3, 3)


def test_guarded_rules_are_kept_while_all_the_pairs_stay_within_the_total_budget(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = registries(3000, 1500, seed=3, profile="hard")
    connection = run.connect()
    tables = {"l_t": pa.Table.from_pylist(data.left), "r_t": pa.Table.from_pylist(data.right)}
    run._prepare(connection, tables, ())
    # No rule of its own limits a guarded rule (the optional rules' budget does not apply).
    monkeypatch.setattr(blocking, "budget", lambda records: 1)
    everything = choose(connection, "l_t", "r_t", ())
    assert everything.rules[: len(RULES) + len(GUARDED)] == [*RULES, *GUARDED]
    assert [rule for rule, _ in everything.dropped] == [Rule.on("dob")]  # optional: budget

    def pairs(rules: list[Rule]) -> int:
        return sum(blocking._count(connection, rule, "l_t", "r_t") for rule in rules)

    # A budget that leaves room for some guarded rules, not all: those past it are left out,
    # with their counts, and the pairs kept stay within it.
    core, guarded = pairs(RULES), pairs(GUARDED)
    limit = core + guarded // 2
    monkeypatch.setattr(blocking, "total_budget", lambda records: limit)
    some = choose(connection, "l_t", "r_t", ())
    kept = [rule for rule in some.rules if rule in GUARDED]
    left_out = [rule for rule, _ in some.dropped if rule in GUARDED]
    assert kept and left_out
    assert len(kept) + len(left_out) == len(GUARDED)
    assert core + pairs(kept) <= limit < core + guarded
    for rule, count in some.dropped:
        assert count == blocking._count(connection, rule, "l_t", "r_t") > 1


@pytest.mark.parametrize("profile", ["hard", "realistic"])
def test_blocking_recall_on_both_profiles(profile: str) -> None:
    data = registries(6000, 3000, seed=3, profile=profile)
    result = blocking_recall(
        pa.Table.from_pylist(data.left), pa.Table.from_pylist(data.right), sorted(data.truth)
    )
    assert result.true_pairs == len(data.truth) == 1200
    assert result.recall >= 0.985, result
    # Far fewer pairs than the cartesian product (18,000,000).
    assert result.candidates < 200_000


def test_optional_rules_stay_within_budget() -> None:
    rows = [
        {**_person(f"P{i}", f"N{i}", f"S{i}", ""), "country_of_birth": "VE",
         "street": f"calle {i % 50}"}
        for i in range(1200)
    ]  # fmt: skip
    connection = run.connect()
    table = pa.Table.from_pylist(rows)
    run._prepare(connection, {"a_t": table, "b_t": table}, ("country_of_birth", "street"))
    choice = choose(connection, "a_t", "b_t", ("country_of_birth", "street"))
    kept, dropped = choice.rules, choice.dropped
    kept_keys = {tuple(k for k, _ in rule.keys) for rule in kept}
    # 1,200 × 1,200 pairs share the country: over the budget for 2,400 records, left out.
    assert budget(2400) < 1_440_000
    assert [tuple(k for k, _ in r.keys) for r, _ in dropped] == [('"x_country_of_birth"',)]
    assert dropped[0][1] == 1_440_000
    # The street (24 records each) is cheap: kept, alone and with the country.
    assert ('"x_street"',) in kept_keys
    assert ('"x_country_of_birth"', '"x_street"') in kept_keys
    assert all(rule in kept for rule in RULES)


def test_the_realistic_profile_has_a_long_tail_of_names() -> None:
    people = Population(4, "realistic").people(40_000)
    surnames = Counter(p.surnames[0] for p in people)
    hard = Counter(p.surnames[0] for p in Population(4, "hard").people(40_000))
    assert len(surnames) > 2_000 > len(hard)
    top, count = surnames.most_common(1)[0]
    # The commonest surname is a few percent of people, as in the published statistics.
    assert 0.01 < count / len(people) < 0.06, (top, count)
    assert sum(1 for p in people if " " in " ".join(p.given)) > 0.3 * len(people)
    with pytest.raises(ValueError, match="one of hard, realistic"):
        Population(1, "easy")


def test_the_registries_show_the_variations_the_issue_lists() -> None:
    population = Population(6, "realistic")
    noise = Noise(swap_name_columns=1.0, birth_year_typo=1.0, document_other_type=1.0,
                  document_missing=0.0, birth_missing=0.0, birth_year_only=0.0,
                  birth_month_only=0.0, upper_case=0.0, drop_accents=0.0, given_typo=0.0,
                  surname_typo=0.0, shorten_given=0.0, married_name=0.0,
                  drop_second_surname=0.0, swap_surnames=0.0, swap_day_month=0.0,
                  birth_typo=0.0)  # fmt: skip
    people = [p for p in population.people(200) if p.nationality != "HT"]
    for person in people[:50]:
        row = record(population.rng, person, noise, "X")
        assert row["given_names"] == " ".join(person.surnames)  # columns swapped
        assert row["surnames"] == " ".join(person.given)
        year = int(row["birth_date"][:4])
        assert year != person.birth[0] and row["birth_date"][4:] == (
            f"-{person.birth[1]:02d}-{person.birth[2]:02d}"
        )
        different = [a != b for a, b in zip(f"{year:04d}", f"{person.birth[0]:04d}", strict=True)]
        assert (
            sum(different) >= 1
            and not any(different[:2])
            or year in (person.birth[0] - 10, person.birth[0] - 1)
        )
        assert row["document_type"] == "passport" and row["document_number"] == person.passport


def test_pair_counts_never_fall_below_the_pairs_splink_makes() -> None:
    rows = [
        _person(f"P{i}", ["Ana", "Rosa", ""][i % 3], "Pérez", ["", "1990", "1990-01-02"][i % 3],
                street=["", "calle 1", "calle 2"][i % 2 + (i % 5 == 0)])
        for i in range(60)
    ]  # fmt: skip
    connection = run.connect()
    run._prepare(connection, {"one_t": pa.Table.from_pylist(rows)}, ("street",))
    from splink import DuckDBAPI
    from splink.blocking_analysis import count_comparisons_from_blocking_rules

    api = DuckDBAPI(connection)
    table = api.register("one_t")
    for rule in [*RULES, Rule.on('"x_street"'), Rule.on("g1_ph", where="l.byear is null")]:
        made = count_comparisons_from_blocking_rules(
            table, blocking_rules=[rule.splink()], link_type="dedupe_only",
            unique_id_column_name="id", record_sample_proportion=1.0,
        )[0]["marginal_comparison_count"]  # fmt: skip
        counted = connection.execute(rule.count_sql("one_t", None)).fetchall()[0][0]
        assert counted >= made, (rule, counted, made)


def test_one_digit_of_the_year() -> None:
    assert one_digit_apart(1987, 1984) and one_digit_apart(1987, 1997)
    assert not one_digit_apart(1975, 2005) and not one_digit_apart(1987, 1987)
    assert not one_digit_apart(1945, 1875)


def _scored(pairs: pa.Table) -> dict[tuple[str, str], tuple[float, str]]:
    rows = zip(
        pairs.column("id_left").to_pylist(), pairs.column("id_right").to_pylist(),
        pairs.column("match_probability").to_pylist(), pairs.column("decision").to_pylist(),
        strict=True,
    )  # fmt: skip
    return {(a, b): (round(p, 9), d) for a, b, p, d in rows}


def test_scoring_in_slices_gives_the_pairs_of_one_go(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past `PAIRS_PER_SLICE` counted pairs, prediction runs slice by slice of the right-hand
    records (memory follows the slice): the pairs, their probabilities and the decisions are
    those of one go, none lost or doubled at a slice's edge."""
    data = registries(1500, 800, seed=21, noise=Noise())
    left, right = pa.Table.from_pylist(data.left), pa.Table.from_pylist(data.right)
    whole = link(left, right, threshold=0.9, review_from=0.3, one_to_one=True)
    seen: list[int] = []
    slices = run.slices
    monkeypatch.setattr(run, "PAIRS_PER_SLICE", 1_000)
    monkeypatch.setattr(run, "slices", lambda pairs: seen.append(slices(pairs)) or seen[-1])
    sliced = link(left, right, threshold=0.9, review_from=0.3, one_to_one=True)
    assert seen and seen[0] >= 5, seen
    assert whole.pairs.num_rows > 250
    assert _scored(sliced.pairs) == _scored(whole.pairs)


def test_a_deduplication_in_slices_gives_the_clusters_of_one_go(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = registries(1200, 600, seed=22, noise=Noise())
    table = pa.Table.from_pylist(data.left + data.right)
    whole = dedupe(table, threshold=0.9, pairs_from=0.3)
    said: list[str] = []
    monkeypatch.setattr(run, "PAIRS_PER_SLICE", 1_000)
    sliced = dedupe(table, threshold=0.9, pairs_from=0.3, progress=said.append)
    assert any(step.startswith("scoring in") and "slices" in step for step in said), said
    assert whole.clusters is not None and sliced.clusters is not None
    clusters = whole.clusters.to_pylist()
    assert len({row["cluster_id"] for row in clusters}) < len(clusters) - 200
    assert sliced.clusters.to_pylist() == clusters
    assert sliced.pairs.num_rows == whole.pairs.num_rows > 200
