"""Hito's linkage model: comparisons and blocking designed for Hispanic and Creole names.

Every level is built from Splink's portable level creators (or plain SQL that DuckDB and Spark
both read), so the same settings run on either backend.
"""

from __future__ import annotations

from typing import Any, Literal

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator, block_on

from hito.identity.linkage import blocking

# Two thresholds (Fellegi-Sunter's link / review / non-link): pairs at or above the upper are
# links, pairs between the two go to a reviewer, pairs below are not links. The upper keeps a
# wrong merge of two people rarer than one in a thousand links at full size on the realistic
# profile (0.9991; the hard profile's namesakes: 0.9982; bench/linkage.py).
REVIEW_BAND = (0.30, 0.98)


# Given names and surnames written in each other's columns on one side: one record's given
# names are the other's surnames, and its surnames the other's given names (or one holds the
# other's, a second surname or given name dropped). Asking for both, in the same direction,
# keeps "Juan | Medina Ruiz" from passing for "Medina Soto | Juan". DuckDB and Spark name the
# list functions differently: "all of b in a" is list_has_all(a, b) in one and
# size(array_except(b, a)) = 0 in the other.
def _swapped(contains: str) -> str:
    def holds(a: str, b: str) -> str:
        return contains.format(a=a, b=b)

    return (
        f"((s_all_l = g_all_r and ({holds('s_tok_r', 'g_tok_l')} or {holds('g_tok_l', 's_tok_r')}))"
        f" or (g_all_l = s_all_r and ({holds('s_tok_l', 'g_tok_r')} "
        f"or {holds('g_tok_r', 's_tok_l')})))"
    )


SWAPPED = {
    "duckdb": _swapped("list_has_all({a}, {b})"),
    "spark": _swapped("size(array_except({b}, {a})) = 0"),
}


# The same, with a typing slip: each record's first given name nearly the other's first surname,
# and the other way round ("Lopz Saenz | Augusto" and "Augusto | López Sáenz"); not where the
# names also nearly agree in their own columns ("Fernando | Fernández", "Fernanda | Fernández":
# given names made from surnames).
def _swapped_nearly(similarity: str) -> str:
    return (
        f"({similarity}(g1_l, s1_r) >= 0.88 and {similarity}(s1_l, g1_r) >= 0.88 "
        f"and {similarity}(g1_l, g1_r) < 0.88 and {similarity}(s1_l, s1_r) < 0.88)"
    )


SWAPPED_NEARLY = {
    "duckdb": _swapped_nearly("jaro_winkler_similarity"),
    "spark": _swapped_nearly("jaro_winkler"),
}


IN_GIVEN_NAMES = "names in each other's columns: weighed once, in given names"


# Birth years differing in exactly one of their four digits (1987 and 1984, 1987 and 1997; not
# 1975 and 2005), in SQL both backends read.
ONE_YEAR_DIGIT = (
    "("
    + " + ".join(
        f"(case when floor(byear_l / {k}) % 10 <> floor(byear_r / {k}) % 10 then 1 else 0 end)"
        for k in (1000, 100, 10, 1)
    )
    + ") = 1"
)


class _ByDialect(cll.CustomLevel):
    """A custom level written once per backend; the model a backend trains keeps its own text
    (what `run.explain` reads is a model trained on DuckDB)."""

    def __init__(self, sql: dict[str, str], label: str) -> None:
        super().__init__(sql["duckdb"], label)
        self.by_dialect = sql

    def create_sql(self, sql_dialect: Any) -> str:
        return self.by_dialect.get(sql_dialect.sql_dialect_str, self.sql_condition)


# The level whose u is counted from the data rather than sampled (see run.complete_u).
SAME_DOCUMENT = "same document number"


def _given_names() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="given_names",
        comparison_description="Given names, folded, particles removed",
        comparison_levels=[
            cll.NullLevel("g_all"),
            cll.ExactMatchLevel("g_all").configure(
                tf_adjustment_column="g_all", label_for_charts="all given names agree"
            ),
            cll.CustomLevel(
                "g1_l = g1_r and (g2_l is null or g2_r is null)",
                "first given name agrees, the other record has only one",
            ),
            _ByDialect(SWAPPED, "given names and surnames in each other's columns on one side"),
            _ByDialect(SWAPPED_NEARLY, "names in each other's columns, nearly (typing slip)"),
            cll.JaroWinklerLevel("g_all", 0.92).configure(
                label_for_charts="given names nearly agree (typing slip)"
            ),
            cll.And(
                cll.JaroWinklerLevel("g1", 0.85),
                cll.Or(cll.ExactMatchLevel("g2"), cll.CustomLevel("g2_l is null or g2_r is null")),
            ).configure(label_for_charts="first given name nearly agrees (typing slip)"),
            cll.Or(cll.ExactMatchLevel("g1"), cll.ArrayIntersectLevel("g_tok", 1)).configure(
                label_for_charts="one given name shared"
            ),
            cll.JaroWinklerLevel("g1", 0.80).configure(label_for_charts="first given name similar"),
            cll.ElseLevel(),
        ],
    )


def _surnames() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="surnames",
        comparison_description="Surnames: order, missing second, married name, typing slips",
        comparison_levels=[
            cll.NullLevel("s1"),
            cll.ExactMatchLevel("s_all").configure(
                tf_adjustment_column="s_all", label_for_charts="all surnames agree"
            ),
            cll.ColumnsReversedLevel("s1", "s2", symmetrical=True).configure(
                label_for_charts="both surnames agree, swapped"
            ),
            cll.CustomLevel(
                "s1_l = s1_r and (s2_l is null or s2_r is null)",
                "first surname agrees, second missing on one side",
            ).configure(tf_adjustment_column="s1"),
            cll.And(
                cll.JaroWinklerLevel("s1", 0.90),
                cll.Or(
                    cll.JaroWinklerLevel("s2", 0.90),
                    cll.CustomLevel("s2_l is null or s2_r is null"),
                ),
            ).configure(label_for_charts="surnames nearly agree (typing slip)"),
            cll.ExactMatchLevel("s1").configure(
                tf_adjustment_column="s1", label_for_charts="first surname agrees, second differs"
            ),
            cll.ArrayIntersectLevel("s_tok", 1).configure(
                label_for_charts="one surname shared (moved, missing or married name)"
            ),
            # Names in each other's columns are one piece of evidence, weighed in given names;
            # here they weigh nothing (counted twice, a swap outweighed any birth date).
            _ByDialect(SWAPPED, IN_GIVEN_NAMES).configure(is_null_level=True),
            _ByDialect(SWAPPED_NEARLY, IN_GIVEN_NAMES).configure(is_null_level=True),
            cll.JaroWinklerLevel("s_all", 0.85).configure(label_for_charts="surnames similar"),
            cll.ElseLevel(),
        ],
    )


def _birth_date() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="birth_date",
        comparison_description="Birth date: exact, swapped, partial, year only",
        comparison_levels=[
            cll.NullLevel("byear"),
            cll.CustomLevel("dob_l = dob_r", "same date"),
            cll.CustomLevel("dob_swap_l = dob_r", "day and month swapped"),
            cll.CustomLevel(
                "byear_l = byear_r and (bday_l is null or bday_r is null) "
                "and (bmonth_l = bmonth_r or bmonth_l is null or bmonth_r is null)",
                "partial dates agree (year, or year and month)",
            ),
            cll.CustomLevel(
                "byear_l = byear_r and bmonth_l = bmonth_r", "same year and month, day differs"
            ),
            cll.CustomLevel(
                "byear_l = byear_r and bday_l = bday_r", "same year and day, month differs"
            ),
            cll.CustomLevel("byear_l = byear_r", "same year"),
            cll.CustomLevel(
                "bmonth_l = bmonth_r and (bday_l = bday_r or bday_l is null or bday_r is null) "
                f"and {ONE_YEAR_DIGIT}",
                "same month (and day, where both have one), one digit of the year differs",
            ),
            cll.CustomLevel("abs(byear_l - byear_r) <= 2", "years within 2"),
            cll.ElseLevel(),
        ],
    )


def _document() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="document",
        comparison_description="Document number (digits, leading zeros dropped)",
        comparison_levels=[
            cll.CustomLevel(
                "doc_l is null or doc_r is null or doc_kind_l <> doc_kind_r",
                "missing, or documents of different kinds",
            ).configure(is_null_level=True),
            cll.ExactMatchLevel("doc").configure(label_for_charts=SAME_DOCUMENT),
            cll.DamerauLevenshteinLevel("doc", 1).configure(
                label_for_charts="document number one slip apart"
            ),
            cll.ElseLevel(),
        ],
    )


def _exact(column: str, label: str) -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name=column,
        comparison_levels=[
            cll.NullLevel(column),
            cll.ExactMatchLevel(column).configure(label_for_charts=f"same {label}"),
            cll.ElseLevel(),
        ],
    )


def _extra(column: str) -> cl.CustomComparison:
    name = f"x_{column}"
    return cl.CustomComparison(
        output_column_name=name,
        comparison_description=f"Extra column {column}, compared as text",
        comparison_levels=[
            cll.NullLevel(name),
            cll.ExactMatchLevel(name),
            cll.JaroWinklerLevel(name, 0.9),
            cll.ElseLevel(),
        ],
    )


LinkType = Literal["link_only", "link_and_dedupe", "dedupe_only"]


def settings(
    link_type: LinkType, *, extra: tuple[str, ...] = (), blocking_rules: list[Any] | None = None
) -> SettingsCreator:
    comparisons: list[Any] = [
        _given_names(),
        _surnames(),
        _birth_date(),
        _document(),
        _exact("sex", "sex"),
        _exact("nat", "nationality"),
        *[_extra(column) for column in extra],
    ]
    return SettingsCreator(
        link_type=link_type,
        unique_id_column_name="id",
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=blocking_rules
        or [rule.splink() for rule in blocking.RULES],
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
        additional_columns_to_retain=[],
        max_iterations=20,
        em_convergence=0.001,
    )


# Training: u by random sampling, m by EM in two sessions whose blocking leaves every
# comparison trained at least once.
EM_SESSIONS = [block_on("doc"), block_on("dob", "g1")]
DETERMINISTIC_RULES: list[Any] = [
    "l.doc = r.doc",
    "l.dob = r.dob and l.s1 = r.s1 and l.g1 = r.g1",
]
