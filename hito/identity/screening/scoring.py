"""How a screened person and an alert entry compare, field by field, with fixed weights.

The levels mirror the linkage model's (hito.identity.linkage.model); the weights (log2 Bayes
factors) are fixed rather than learned per list, so that a screening result is stable, the same
on both nodes, and explainable line by line. They were set from the linkage model trained on
the synthetic registries of both countries (bench/linkage.py) and rounded; agreement on names
is weighed by how common the name is on the list.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler

# Prior log2 odds that a screened person is a given entry of a large list: with ~1,000,000
# entries almost no one is on it, so only strong agreement crosses the threshold.
PRIOR_WEIGHT = -16.0
DEFAULT_THRESHOLD = 0.2  # match probability: recall first, a person confirms each hit


@dataclass(frozen=True)
class FieldScore:
    field: str
    level: str
    weight: float
    agrees: bool | None  # None: missing on one side

    def to_dict(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "level": self.level,
            "weight": self.weight,
            "agrees": self.agrees,
        }


@dataclass
class Frequencies:
    """How common each name is on the list: agreeing on a rare name weighs more than on a
    common one (Fellegi–Sunter's term-frequency adjustment)."""

    total: int
    given: dict[str, int]
    surnames: dict[str, int]
    first_surname: dict[str, int]

    def weight(self, table: str, value: str, m: float, low: float, high: float) -> float:
        counts: dict[str, int] = getattr(self, table)
        share = max(counts.get(value, 0), 1) / max(self.total, 1)
        return round(min(high, max(low, math.log2(m / share))), 2)


NO_FREQUENCIES = Frequencies(0, {}, {}, {})


def _jw(a: str, b: str) -> float:
    return float(JaroWinkler.similarity(a, b))


def _swapped(s: dict[str, Any], e: dict[str, Any]) -> bool:
    """Given names and surnames in each other's columns on one side (as the linkage model's
    SWAPPED level): one's given names are the other's surnames, and its surnames hold the
    other's given names or are held by them."""

    def one_way(a: dict[str, Any], b: dict[str, Any]) -> bool:
        given, surnames = set(a["g_tok"] or ()), set(b["s_tok"] or ())
        return bool(
            a["s_all"] and a["s_all"] == b["g_all"] and given and surnames
            and (given <= surnames or surnames <= given)
        )  # fmt: skip

    return one_way(s, e) or one_way(e, s)


def given_names(s: dict[str, Any], e: dict[str, Any], f: Frequencies) -> FieldScore:
    if not s["g_all"] or not e["g_all"]:
        return FieldScore("given_names", "missing", 0.0, None)
    if s["g_all"] == e["g_all"]:
        weight = f.weight("given", s["g_all"], 0.8, 3.0, 14.0) if f.total else 7.5
        return FieldScore("given_names", "all given names agree", weight, True)
    if s["g1"] == e["g1"] and (not s["g2"] or not e["g2"]):
        return FieldScore("given_names", "first given name agrees, other record has one", 4.5, True)
    if _jw(s["g_all"], e["g_all"]) >= 0.92:
        return FieldScore("given_names", "given names nearly agree (typing slip)", 5.0, True)
    if _jw(s["g1"], e["g1"]) >= 0.85 and (not s["g2"] or not e["g2"] or s["g2"] == e["g2"]):
        return FieldScore("given_names", "first given name nearly agrees (typing slip)", 4.0, True)
    if set(s["g_tok"]) & set(e["g_tok"]):
        return FieldScore("given_names", "one given name shared", 1.0, True)
    if _swapped(s, e):
        return FieldScore(
            "given_names", "given names and surnames in each other's columns", 6.0, True
        )
    if _jw(s["g1"], e["g1"]) >= 0.80:
        return FieldScore("given_names", "first given name similar", 0.0, None)
    return FieldScore("given_names", "given names differ", -8.0, False)


def surnames(s: dict[str, Any], e: dict[str, Any], f: Frequencies) -> FieldScore:
    if not s["s1"] or not e["s1"]:
        return FieldScore("surnames", "missing", 0.0, None)
    if s["s_all"] == e["s_all"]:
        weight = f.weight("surnames", s["s_all"], 0.6, 4.0, 16.0) if f.total else 10.0
        return FieldScore("surnames", "all surnames agree", weight, True)
    if s["s2"] and e["s2"] and s["s1"] == e["s2"] and s["s2"] == e["s1"]:
        return FieldScore("surnames", "both surnames agree, swapped", 8.5, True)
    if s["s1"] == e["s1"] and (not s["s2"] or not e["s2"]):
        weight = f.weight("first_surname", s["s1"], 0.2, 1.0, 9.0) if f.total else 6.0
        return FieldScore(
            "surnames", "first surname agrees, second missing on one side", weight, True
        )
    if _jw(s["s1"], e["s1"]) >= 0.90 and (
        not s["s2"] or not e["s2"] or _jw(s["s2"], e["s2"]) >= 0.90
    ):
        return FieldScore("surnames", "surnames nearly agree (typing slip)", 6.5, True)
    if s["s1"] == e["s1"]:
        return FieldScore("surnames", "first surname agrees, second differs", 1.5, True)
    if set(s["s_tok"]) & set(e["s_tok"]):
        return FieldScore("surnames", "one surname shared (moved, missing or married)", 0.0, None)
    if _swapped(s, e):
        return FieldScore("surnames", "given names and surnames in each other's columns", 7.0, True)
    if _jw(s["s_all"] or "", e["s_all"] or "") >= 0.85:
        return FieldScore("surnames", "surnames similar", 1.0, None)
    return FieldScore("surnames", "surnames differ", -6.5, False)


def one_digit_apart(a: int, b: int) -> bool:
    """Years that differ in exactly one of their four digits."""
    return sum(x != y for x, y in zip(f"{a:04d}", f"{b:04d}", strict=True)) == 1


def birth_date(s: dict[str, Any], e: dict[str, Any], f: Frequencies) -> FieldScore:
    if s["byear"] is None or e["byear"] is None:
        return FieldScore("birth_date", "missing", 0.0, None)
    if s["dob"] and s["dob"] == e["dob"]:
        return FieldScore("birth_date", "same date", 11.5, True)
    if s["dob_swap"] and s["dob_swap"] == e["dob"]:
        return FieldScore("birth_date", "day and month swapped", 8.0, True)
    if s["byear"] == e["byear"]:
        if (s["bday"] is None or e["bday"] is None) and (
            s["bmonth"] is None or e["bmonth"] is None or s["bmonth"] == e["bmonth"]
        ):
            return FieldScore("birth_date", "partial dates agree", 4.5, True)
        if s["bmonth"] == e["bmonth"]:
            return FieldScore("birth_date", "same year and month, day differs", 3.0, True)
        return FieldScore("birth_date", "same year, month and day differ", -4.0, False)
    if (
        s["bmonth"] is not None
        and s["bmonth"] == e["bmonth"]
        and (s["bday"] is None or e["bday"] is None or s["bday"] == e["bday"])
        and (s["byear"] % 10 == e["byear"] % 10 or s["byear"] // 10 == e["byear"] // 10)
    ):
        weight = 5.0 if s["bday"] is not None and e["bday"] is not None else 1.5
        return FieldScore(
            "birth_date", "same day and month, one digit of the year differs", weight, True
        )
    if abs(s["byear"] - e["byear"]) <= 2 and (s["bday"] is None or e["bday"] is None):
        return FieldScore("birth_date", "partial dates, years within 2", 0.0, None)
    return FieldScore("birth_date", "birth dates differ", -7.0, False)


def document(s: dict[str, Any], e: dict[str, Any], f: Frequencies) -> FieldScore:
    if not s["doc"] or not e["doc"]:
        return FieldScore("document", "missing", 0.0, None)
    if s.get("doc_kind") and e.get("doc_kind") and s["doc_kind"] != e["doc_kind"]:
        return FieldScore("document", "documents of different kinds", 0.0, None)
    if s["doc"] == e["doc"]:
        return FieldScore("document", "same document number", 15.5, True)
    if DamerauLevenshtein.distance(s["doc"], e["doc"]) <= 1:
        return FieldScore("document", "document number one slip apart", 12.0, True)
    return FieldScore("document", "document numbers differ", -10.0, False)


Comparison = Callable[[dict[str, Any], dict[str, Any], Frequencies], FieldScore]


def exact(name: str, label: str, yes: float, no: float) -> Comparison:
    def compare(s: dict[str, Any], e: dict[str, Any], f: Frequencies) -> FieldScore:
        if not s[name] or not e[name]:
            return FieldScore(label, "missing", 0.0, None)
        if s[name] == e[name]:
            return FieldScore(label, f"same {label}", yes, True)
        return FieldScore(label, f"{label} differs", no, False)

    return compare


COMPARISONS: list[Comparison] = [
    given_names,
    surnames,
    birth_date,
    document,
    exact("sex", "sex", 1.0, -4.0),
    exact("nat", "nationality", 1.3, -3.0),
]


def score(
    subject: dict[str, Any], entry: dict[str, Any], frequencies: Frequencies = NO_FREQUENCIES
) -> tuple[float, list[FieldScore]]:
    """Total match weight (with the prior) and each field's part in it."""
    fields = [compare(subject, entry, frequencies) for compare in COMPARISONS]
    return PRIOR_WEIGHT + sum(f.weight for f in fields), fields


def probability(weight: float) -> float:
    return float(1.0 / (1.0 + 2.0 ** (-weight)))
