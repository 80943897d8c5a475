"""How a screened person and an alert entry compare, field by field, with fixed weights.

The levels mirror the linkage model's (hito.identity.linkage.model); the weights (log2 Bayes
factors) are fixed rather than learned per list, so that a screening result is stable, the same
on both nodes, and explainable line by line. They were set from the linkage model trained on
the synthetic registries of both countries (bench/linkage.py) and rounded. Agreement on names
is weighed by how common the name is on the list (within the nationality both sides give, when
they give one), a lone name by how often it begins anyone's, and names written in each other's
columns are compared the other way round at a fixed cost.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler

# Prior log2 odds that a screened person is a given entry of a large list: with ~1,000,000
# entries almost no one is on it, so only strong agreement crosses the threshold.
PRIOR_WEIGHT = -16.0
# Match probability flagged by default (16 bits of agreement beyond the prior): on a
# million-entry list of the realistic profile (bench/screening.py) it finds 99.4% of listed
# people and flags 1.3% of people on no list; 0.2 finds 0.3 points more but flags nearly three
# times as many, each one stopped and checked by an officer.
DEFAULT_THRESHOLD = 0.5


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
    common one (Fellegi–Sunter's term-frequency adjustment). Names are counted within each
    nationality too, since names cluster by nationality (Kesner and Edouard are rare on the
    list but common among Haitians): when both sides give the same nationality, a name weighs
    what it is worth among that nationality, and the nationality what it is worth itself."""

    total: int
    given: dict[str, int]
    surnames: dict[str, int]
    first_surname: dict[str, int]
    first_given: dict[str, int] = field(default_factory=dict)
    nationality: dict[str, int] = field(default_factory=dict)
    within: dict[str, Frequencies] = field(default_factory=dict)  # the same, per nationality
    _weights: dict[tuple[Any, ...], float] = field(default_factory=dict, repr=False)

    # Pseudo-entries behind every count, so that a short list does not make each of its names
    # look common: the list's counts are blended with a typical share (the one the fixed
    # weight, used without a list, stands for), and a nationality's with the whole list's.
    SMOOTHING = 1_000
    SHRINK = 200

    def share(self, table: str, value: str, typical: float, nat: str | None = None) -> float:
        counts: dict[str, int] = getattr(self, table)
        overall = (counts.get(value, 0) + self.SMOOTHING * typical) / (self.total + self.SMOOTHING)
        group = self.within.get(nat) if nat else None
        if group is None:
            return overall
        own: dict[str, int] = getattr(group, table)
        return (own.get(value, 0) + self.SHRINK * overall) / (group.total + self.SHRINK)

    def weight(
        self,
        table: str,
        value: str,
        m: float,
        fixed: float,
        low: float,
        high: float,
        nat: str | None = None,
    ) -> float:
        """log2(m / share of the value), between `low` and `high`; `fixed` is the weight
        without a list (the typical share m / 2**fixed)."""
        key = (table, value, m, fixed, low, high, nat)
        weight = self._weights.get(key)
        if weight is None:
            if len(self._weights) > 100_000:  # the names screened lately, not every one
                self._weights.clear()
            share = self.share(table, value, m / 2**fixed, nat)
            weight = self._weights[key] = round(min(high, max(low, math.log2(m / share))), 2)
        return weight

    def count(self, record: dict[str, Any]) -> None:
        """Counts one listed person's names (build time)."""
        self._weights.clear()
        self.total += 1
        _bump(self.given, record["g_all"])
        _bump(self.first_given, record["g1"])
        _bump(self.surnames, record["s_all"])
        _bump(self.first_surname, record["s1"])
        nat = record["nat"]
        if nat:
            _bump(self.nationality, nat)
            group = self.within.get(nat)
            if group is None:
                group = self.within[nat] = Frequencies(0, {}, {}, {})
            group.count({**record, "nat": None})


def _bump(counts: dict[str, int], value: str | None) -> None:
    if value:
        counts[value] = counts.get(value, 0) + 1


def _agreeing_nationality(s: dict[str, Any], e: dict[str, Any]) -> str | None:
    return s["nat"] if s["nat"] and s["nat"] == e["nat"] else None


NO_FREQUENCIES = Frequencies(0, {}, {}, {})


def _jw(a: str, b: str) -> float:
    return float(JaroWinkler.similarity(a, b))


def given_names(s: dict[str, Any], e: dict[str, Any], f: Frequencies) -> FieldScore:
    if not s["g_all"] or not e["g_all"]:
        return FieldScore("given_names", "missing", 0.0, None)
    nat = _agreeing_nationality(s, e)
    if s["g_all"] == e["g_all"]:
        # One given name is weighed by how often it is anyone's first: the other record may
        # have dropped a second one, so "Paola" alone is as common as every Paola.
        table, value = ("given", s["g_all"]) if s["g2"] else ("first_given", s["g1"])
        weight = f.weight(table, value, 0.8, 7.5, 3.0, 14.0, nat)
        return FieldScore("given_names", "all given names agree", weight, True)
    if s["g1"] == e["g1"] and (not s["g2"] or not e["g2"]):
        weight = f.weight("first_given", s["g1"], 0.15, 4.5, 1.0, 8.0, nat)
        return FieldScore(
            "given_names", "first given name agrees, other record has one", weight, True
        )
    if _jw(s["g_all"], e["g_all"]) >= 0.92:
        return FieldScore("given_names", "given names nearly agree (typing slip)", 5.0, True)
    if _jw(s["g1"], e["g1"]) >= 0.85 and (not s["g2"] or not e["g2"] or s["g2"] == e["g2"]):
        return FieldScore("given_names", "first given name nearly agrees (typing slip)", 4.0, True)
    if set(s["g_tok"]) & set(e["g_tok"]):
        return FieldScore("given_names", "one given name shared", 1.0, True)
    if _jw(s["g1"], e["g1"]) >= 0.80:
        return FieldScore("given_names", "first given name similar", 0.0, None)
    return FieldScore("given_names", "given names differ", -8.0, False)


def surnames(s: dict[str, Any], e: dict[str, Any], f: Frequencies) -> FieldScore:
    if not s["s1"] or not e["s1"]:
        return FieldScore("surnames", "missing", 0.0, None)
    nat = _agreeing_nationality(s, e)
    if s["s_all"] == e["s_all"]:
        # One surname is weighed by how often it is anyone's first (the second is often left
        # out), not by how rarely it stands alone on the list.
        table, value = ("surnames", s["s_all"]) if s["s2"] else ("first_surname", s["s1"])
        weight = f.weight(table, value, 0.6, 10.0, 4.0, 16.0, nat)
        return FieldScore("surnames", "all surnames agree", weight, True)
    if s["s2"] and e["s2"] and s["s1"] == e["s2"] and s["s2"] == e["s1"]:
        return FieldScore("surnames", "both surnames agree, swapped", 8.5, True)
    if s["s1"] == e["s1"] and (not s["s2"] or not e["s2"]):
        weight = f.weight("first_surname", s["s1"], 0.2, 6.0, 1.0, 9.0, nat)
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
    if _jw(s["s_all"] or "", e["s_all"] or "") >= 0.85:
        return FieldScore("surnames", "surnames similar", 1.0, None)
    return FieldScore("surnames", "surnames differ", -6.5, False)


# Given names and surnames written in each other's columns (a few records in a hundred): the
# names are compared again the other way round, and the exchange itself costs this much.
EXCHANGED_COLUMNS = -4.0


def _exchanged(record: dict[str, Any]) -> dict[str, Any]:
    """The record with its given names read as surnames and its surnames as given names."""
    given = record["s_all"].split(" ") if record["s_all"] else []
    family = record["g_all"].split(" ") if record["g_all"] else []
    return {
        **record,
        "g_all": record["s_all"],
        "g1": given[0] if given else None,
        "g2": given[1] if len(given) > 1 else None,
        "g_tok": given,
        "s_all": record["g_all"],
        "s1": family[0] if family else None,
        "s2": family[1] if len(family) > 1 else None,
        "s_tok": sorted(set(family)),
    }


def names(s: dict[str, Any], e: dict[str, Any], f: Frequencies) -> tuple[FieldScore, FieldScore]:
    """Given names and surnames, as written or, when that explains them better, exchanged."""
    given, family = given_names(s, e, f), surnames(s, e, f)
    if given.weight + family.weight >= 8.0 or not (s["g_all"] and s["s_all"]):
        return given, family
    turned = _exchanged(s)
    other_given, other_family = given_names(turned, e, f), surnames(turned, e, f)
    if other_given.weight + other_family.weight + EXCHANGED_COLUMNS <= given.weight + family.weight:
        return given, family
    return (
        FieldScore(
            "given_names",
            f"written as surnames: {other_given.level} ({EXCHANGED_COLUMNS:+.0f} for the exchange)",
            other_given.weight + EXCHANGED_COLUMNS,
            other_given.agrees,
        ),
        FieldScore(
            "surnames",
            f"written as given names: {other_family.level}",
            other_family.weight,
            other_family.agrees,
        ),
    )


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


def nationality(s: dict[str, Any], e: dict[str, Any], f: Frequencies) -> FieldScore:
    if not s["nat"] or not e["nat"]:
        return FieldScore("nationality", "missing", 0.0, None)
    if s["nat"] != e["nat"]:
        return FieldScore("nationality", "nationality differs", -3.0, False)
    # Worth more for a nationality few listed people share: the names were weighed within it.
    weight = f.weight("nationality", s["nat"], 0.95, 1.3, 1.0, 8.0)
    return FieldScore("nationality", "same nationality", weight, True)


Comparison = Callable[[dict[str, Any], dict[str, Any], Frequencies], FieldScore]


def exact(name: str, label: str, yes: float, no: float) -> Comparison:
    def compare(s: dict[str, Any], e: dict[str, Any], f: Frequencies) -> FieldScore:
        if not s[name] or not e[name]:
            return FieldScore(label, "missing", 0.0, None)
        if s[name] == e[name]:
            return FieldScore(label, f"same {label}", yes, True)
        return FieldScore(label, f"{label} differs", no, False)

    return compare


COMPARISONS: list[Comparison] = [  # after the names
    birth_date,
    document,
    exact("sex", "sex", 1.0, -4.0),
    nationality,
]


def score(
    subject: dict[str, Any], entry: dict[str, Any], frequencies: Frequencies = NO_FREQUENCIES
) -> tuple[float, list[FieldScore]]:
    """Total match weight (with the prior) and each field's part in it."""
    fields = [
        *names(subject, entry, frequencies),
        *(compare(subject, entry, frequencies) for compare in COMPARISONS),
    ]
    return PRIOR_WEIGHT + sum(f.weight for f in fields), fields


def probability(weight: float) -> float:
    return float(1.0 / (1.0 + 2.0 ** (-weight)))
