"""Which pairs of records are compared at all: the blocking rules, what they cost, what they find.

A pair that no rule brings together is never scored, so it is lost whatever the model says.
The rules are written for the variations field registries show (`hito.identity.synthetic`):

- the document number, exact or with one slip (its first or last digits and the birth year);
- two name tokens in common, wherever they sit (given names and surnames swapped between
  columns, surnames in the other order, one surname dropped or mistyped), each with the birth
  year, or with the day and month when the year has a wrong digit, or with the first given
  name when one side has no birth year (a guarded rule: see below);
- the same birth date and any one name token (the other names mistyped or changed);
- where names are varied enough to afford them (`GUARDED`), variations that come together: a
  wrong digit in the birth year with the names, a partial date with one name and the other's
  initial, every name mistyped with the initials and the birth date.

Rules on names read `name_pairs`, `name_ph` and `first_halves` (`hito.identity.prepare`), lists
that Splink explodes before the join. A file's extra columns (an address, a postcode) add rules
of their own, and so does the birth date alone, but only where they stay cheap: each such rule
is counted first (from value counts, no pairs built) and kept only within `budget` pairs. A
rule of `GUARDED` is counted too and kept while all the rules' pairs stay within
`total_budget`. The run says which it left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from splink import block_on
from splink.blocking_rule_library import CustomRule


@dataclass(frozen=True)
class Rule:
    """Records meet when every (left, right) key pair is equal and `where` holds; `explode`
    names a list column whose elements are joined one by one."""

    keys: tuple[tuple[str, str], ...]
    explode: str | None = None
    where: str | None = None

    @classmethod
    def on(cls, *columns: str, explode: str | None = None, where: str | None = None) -> Rule:
        return cls(tuple((c, c) for c in columns), explode, where)

    def splink(self) -> Any:
        """The rule as Splink takes it (DuckDB and Spark alike)."""
        arrays = [self.explode] if self.explode else None
        if self.where is None and all(left == right for left, right in self.keys):
            return block_on(*[left for left, _ in self.keys], arrays_to_explode=arrays)
        return CustomRule(self._sql(), arrays_to_explode=arrays)

    def _sql(self) -> str:
        terms = [f"l.{left} = r.{right}" for left, right in self.keys]
        return " and ".join(terms + ([self.where] if self.where else []))

    def condition(self) -> str:
        """A boolean over one pair `l`, `r` of prepared records, lists not exploded: true when
        this rule brings them together (to measure blocking recall)."""
        terms = []
        for left, right in self.keys:
            if left == self.explode:
                terms.append(f"list_has_any(l.{left}, r.{right})")
            else:
                terms.append(f"l.{left} = r.{right}")
        return "coalesce(" + " and ".join(terms + ([self.where] if self.where else [])) + ", false)"

    def count_sql(self, left: str, right: str | None) -> str:
        """The number of pairs the rule makes, from value counts, never fewer than it makes: a
        list element shared twice by one pair counts twice, a filter on one side applies to
        that side only, and a table against itself (`right` None) counts both orders unless the
        rule is symmetric and unfiltered."""
        symmetric = all(a == b for a, b in self.keys) and self.where is None
        names = ", ".join(f"k{i}" for i in range(len(self.keys)))
        present = " and ".join(f"k{i} is not null" for i in range(len(self.keys)))

        def counts(table: str, side: str, column: int) -> str:
            keys = ", ".join(
                f"{_unnest(pair[column], self.explode)} as k{i}" for i, pair in enumerate(self.keys)
            )
            return (
                f"(select {names}, count(*) n from (select {keys} from {table} {side} "
                f"where {_side_filter(self.where, side)}) where {present} group by all)"
            )

        if right is None and symmetric:
            return f"select coalesce(sum(n * (n - 1) / 2), 0) from {counts(left, 'l', 0)}"
        return (
            f"select coalesce(sum(a.n * b.n), 0) from {counts(left, 'l', 0)} a "
            f"join {counts(right or left, 'r', 1)} b using ({names})"
        )


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _unnest(column: str, explode: str | None) -> str:
    return f"unnest({column})" if column == explode else column


def _side_filter(where: str | None, side: str) -> str:
    """`where` when it is about this side only (`l.byear is null`), else true: the count then
    errs high, never low."""
    other = "r" if side == "l" else "l"
    if where and f"{side}." in where and f"{other}." not in where:
        return where
    return "true"


RULES: list[Rule] = [
    Rule.on("doc"),
    # A slip in the document number: the rest of it and the birth year.
    Rule.on("doc_head", "byear"),
    Rule.on("doc_tail", "byear"),
    # Two name tokens in common, wherever they are written.
    Rule.on("name_pairs", "byear", explode="name_pairs"),
    # ... with a wrong digit in the birth year: the day and month.
    Rule.on("name_pairs", "bmonth", "bday", explode="name_pairs"),
    # The same birth date (or day and month swapped) and any one name.
    Rule.on("name_ph", "dob", explode="name_ph"),
    Rule((("dob_swap", "dob"), ("g1_ph", "g1_ph"))),
    # All the names the same (in whatever columns): with the birth month (a wrong digit in a
    # partial birth date's year), or alone when one side has no birth year.
    Rule.on("name_key", "bmonth"),
    Rule.on("name_key", where="l.byear is null"),
    Rule.on("name_key", where="r.byear is null"),
    # No birth year on one side: names alone (one-sided filters keep the join small).
    Rule.on("s1_ph", "s2_ph", where="l.byear is null"),
    Rule.on("s1_ph", "s2_ph", where="r.byear is null"),
]

# Rules worth their cost where names are varied, costly where a few names are everyone's (the
# `hard` profile): kept while all the rules' pairs stay within `total_budget`.
GUARDED: list[Rule] = [
    Rule.on("name_pairs", "g1_ph", explode="name_pairs", where="l.byear is null"),
    Rule.on("name_pairs", "g1_ph", explode="name_pairs", where="r.byear is null"),
    # One of the first given name and first surname mistyped, the other names dropped or in
    # the other column: the other with its initial (a slip spares the first letter) and the
    # birth year where one side has only a partial date, or the day and month (a wrong year),
    # or the year and month (a wrong day).
    Rule.on("first_halves", "byear", explode="first_halves", where="l.bday is null"),
    Rule.on("first_halves", "byear", explode="first_halves", where="r.bday is null"),
    # A wrong digit in the birth year (its tens or its units left out of the key): all the
    # names, or the first given name and first surname, in whatever columns.
    Rule.on("name_key", "byear_decade"),
    Rule.on("name_key", "byear_unit"),
    Rule.on("first_key", "byear_unit"),
    # Every name mistyped: the same birth date and the initials.
    Rule.on("initials", "dob"),
    Rule.on("first_halves", "bmonth", "bday", explode="first_halves"),
    Rule.on("first_halves", "byear", "bmonth", explode="first_halves"),
    # The first given name and first surname with the birth month (year wrong, day missing).
    Rule.on("first_key", "bmonth"),
]
# Not kept: the first names with the birth decade, or alone where one side has no birth year,
# bring pairs of namesakes that the model links (precision falls under 0.999).


def optional_rules(extra: Sequence[str]) -> list[Rule]:
    """Rules kept only when cheap: the birth date alone, and a file's extra columns alone, in
    pairs and with the birth year."""
    columns = [_quoted(f"x_{name}") for name in extra]
    rules = [Rule.on("dob")]
    rules += [Rule.on(column) for column in columns]
    rules += [Rule.on(a, b) for a, b in combinations(columns, 2)]
    rules += [Rule.on(column, "byear") for column in columns]
    return rules


# Pairs an optional rule may add: enough for files of a few hundred thousand records, far below
# what the time and memory targets allow at national scale.
def budget(records: int) -> int:
    return max(1_000_000, 5 * records)


# Pairs all the rules may make with the guarded ones (counted, so above the distinct pairs).
# On DuckDB memory no longer bounds it (scoring runs in slices: `run.PAIRS_PER_SLICE`), time
# does: at 1,600,000 × 700,000 the realistic profile keeps every guarded rule and scores 15.7M
# distinct pairs (75-95 s end to end on 2 cores); where a few names are everyone's (the `hard`
# profile) every guarded rule takes it to 88.9M distinct pairs and 241 s, for a blocking
# recall of 0.9958 instead of 0.9771 (with 12 per record). Spark, which spills, scores in one
# go and takes the same rules.
def total_budget(records: int) -> int:
    return max(2_000_000, 45 * records)


@dataclass(frozen=True)
class Choice:
    """The rules kept, those left out with their pair counts, and the pairs the kept ones
    make, counted (so at least the distinct pairs they bring to scoring)."""

    rules: list[Rule]
    dropped: list[tuple[Rule, int]]
    pairs: int


def choose(connection: Any, left: str, right: str | None, extra: Sequence[str]) -> Choice:
    """The rules for these prepared tables: every rule of `RULES`, each guarded rule in turn
    while it keeps all the rules' pairs within `total_budget`, and each optional rule within
    budget."""
    records = _rows(connection, left) + (_rows(connection, right) if right else 0)
    kept, dropped = list(RULES), []
    total = sum(_count(connection, rule, left, right) for rule in RULES)
    for rule in GUARDED:
        count = _count(connection, rule, left, right)
        if total + count <= total_budget(records):
            kept.append(rule)
            total += count
        else:
            dropped.append((rule, count))
    for rule in optional_rules(extra):
        count = _count(connection, rule, left, right)
        if count <= budget(records):
            kept.append(rule)
            total += count
        else:
            dropped.append((rule, count))
    return Choice(kept, dropped, total)


def _count(connection: Any, rule: Rule, left: str, right: str | None) -> int:
    return int(connection.execute(rule.count_sql(left, right)).fetchall()[0][0])


def _rows(connection: Any, table: str) -> int:
    return int(connection.execute(f"select count(*) from {table}").fetchall()[0][0])


def recall(
    connection: Any, rules: Sequence[Rule], left: str, right: str, truth: str
) -> tuple[int, int]:
    """(true pairs, true pairs some rule brings together): `truth` holds (id_left, id_right);
    for a deduplication pass the same table as left and right."""
    condition = " or ".join(rule.condition() for rule in rules)
    total, found = connection.execute(
        f"select count(*), count(*) filter ({condition}) from {truth} t "
        f"join {left} l on l.id = t.id_left join {right} r on r.id = t.id_right"
    ).fetchall()[0]
    return int(total), int(found)
