"""How well any linkage could do on a pair of registries: an upper bound on F1 from the data.

A true pair (l, r) cannot be told apart when the other registry holds a record x, matched to
nobody, that compares with r at least as well as l does on every field: for each field either
exactly equal to r or in the same state as l (equal, nearly equal by Jaro-Winkler bands, same
birth year, missing, different). No method that scores field by field can prefer l to x, so at
best it abstains (a missed pair) or picks one of them (half the time a false pair and a missed
one). Only impostors sharing the first given name and first surname with r are searched, so the
count is a lower bound on the ambiguity and the F1 printed an upper bound.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from hito.identity import prepare

# (prepared column, kind of comparison)
FIELDS = [
    ("g_all", "name"), ("g1", "name"), ("s_all", "name"), ("s1", "name"),
    ("dob", "date"), ("sex", "exact"), ("nat", "exact"), ("doc", "exact"),
]  # fmt: skip


def _state(column: str, kind: str, a: str, b: str) -> str:
    left, right = f"{a}.{column}", f"{b}.{column}"
    if kind == "date":
        return (
            f"(case when {a}.byear is null or {b}.byear is null then 'missing' "
            f"when {a}.dob = {b}.dob then 'equal' when {a}.byear = {b}.byear then 'same year' "
            f"else 'different' end)"
        )
    near = ""
    if kind == "name":
        near = (
            f"when jaro_winkler_similarity({left}, {right}) >= 0.92 then 'near' "
            f"when jaro_winkler_similarity({left}, {right}) >= 0.80 then 'similar' "
        )
    return (
        f"(case when {left} is null or {right} is null then 'missing' "
        f"when {left} = {right} then 'equal' {near}else 'different' end)"
    )


def _at_least_as_good(true: str, impostor: str, against: str) -> str:
    return " and ".join(
        f"({_state(c, k, impostor, against)} = 'equal' "
        f"or {_state(c, k, impostor, against)} = {_state(c, k, true, against)})"
        for c, k in FIELDS
    )


def ceiling(directory: Path) -> tuple[int, int, float]:
    """(true pairs, of which indistinguishable, upper bound on F1) for the registries written
    by bench/linkage.py into `directory`."""
    connection = duckdb.connect()
    prepare.install(connection)
    for side in ("left", "right"):
        connection.execute(
            f"create view raw_{side} as select * from read_parquet('{directory}/{side}.parquet')"
        )
        connection.execute(prepare.prepare_sql(f"raw_{side}", f"p_{side}", extra=())).fetchall()
    connection.execute(
        f"create table truth as select * from read_parquet('{directory}/truth.parquet')"
    )
    ambiguous_right = f"""
        select t.id_right from truth t
        join p_right r on r.id = t.id_right join p_left l on l.id = t.id_left
        join p_left x on x.g1 = r.g1 and x.s1 = r.s1 and x.id <> l.id
        where x.id not in (select id_left from truth) and {_at_least_as_good("l", "x", "r")}"""
    ambiguous_left = f"""
        select t.id_left from truth t
        join p_left l on l.id = t.id_left join p_right r on r.id = t.id_right
        join p_right x on x.g1 = l.g1 and x.s1 = l.s1 and x.id <> r.id
        where x.id not in (select id_right from truth) and {_at_least_as_good("r", "x", "l")}"""
    total, ambiguous = connection.execute(
        f"""select count(*), count(*) filter (
                where id_right in ({ambiguous_right}) or id_left in ({ambiguous_left}))
            from truth"""
    ).fetchone()  # type: ignore[misc]
    recall = 1 - ambiguous / total
    abstaining = 2 * recall / (1 + recall)
    picking = 1 - ambiguous / 2 / total  # precision = recall = 1 - ambiguous/2/total
    return total, ambiguous, max(abstaining, picking)
