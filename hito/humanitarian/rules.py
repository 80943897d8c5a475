"""Priority rules kept as data: versioned YAML or JSON an admin loads without code.

Each rule names conditions on the facts of a screening (``when``), the priority it gives, the
kind of need and a reason in Spanish and English ("menor no acompañado → crítica"). A case takes
the highest priority of the rules it meets, and shows every one of them as a reason;
``escalations`` raise a case that meets several rules of one priority ("two high → critical");
``default`` applies when no rule does. Conditions: a value (equal), a list (one of), or
``{min: n, max: m}`` for numbers; a fact that is unknown meets no condition.
"""

from __future__ import annotations

import enum
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from hito.datafile import DataFileError, parse_document
from hito.humanitarian.models import ChildStatus, Illness, Need, Priority
from hito.text import Text

# The facts a rule may test, and their type: bool, int, or an enum of allowed values.
FACTS: dict[str, type] = {
    "age": int,
    "age_uncertainty": int,
    "pregnant": bool,
    "pregnancy_months": int,
    "pregnancy_high_risk": bool,
    "child_status": ChildStatus,
    "illness": Illness,
    "treatment_interrupted": bool,
    "disability": bool,
    "elderly_without_support": bool,
    "single_caregiver": bool,
    "violence": bool,
    "trafficking": bool,
    "threats": bool,
}
PRIORITY_ES = {"critical": "crítica", "high": "alta", "medium": "media", "low": "baja"}


class Reason(BaseModel):
    model_config = ConfigDict(extra="forbid")

    es: Text = Field(min_length=1, max_length=200)
    en: Text = Field(min_length=1, max_length=200)


class RuleSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(pattern=r"^[a-z][a-z0-9_]{1,63}$")
    when: dict[str, Any] = Field(min_length=1, max_length=len(FACTS))
    priority: Priority
    need: Need | None = None
    reason: Reason


class Escalation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    at_least: int = Field(ge=2, le=20)
    of: Priority
    to: Priority
    reason: Reason


class Default(BaseModel):
    model_config = ConfigDict(extra="forbid")

    priority: Priority = Priority.low
    reason: Reason = Reason(es="sin criterios de vulnerabilidad", en="no vulnerability criteria")


class RuleSetDocument(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int = Field(ge=1, le=1_000_000)
    title: Text = Field(min_length=1, max_length=300)
    rules: list[RuleSpec] = Field(min_length=1, max_length=500)
    escalations: list[Escalation] = Field(default_factory=list, max_length=20)
    default: Default = Default()

    @model_validator(mode="after")
    def _sound(self) -> Self:
        problems = rule_set_problems(self)
        if problems:
            raise ValueError("; ".join(f"{where}: {what}" for where, what in problems))
        return self


def _condition_problem(fact: str, condition: Any) -> str | None:
    kind = FACTS.get(fact)
    if kind is None:
        return f"unknown fact {fact!r}; known facts: {', '.join(FACTS)}"
    values = condition if isinstance(condition, list) else [condition]
    if isinstance(condition, dict):
        if kind is not int:
            return f"{fact} is not a number: use a value or a list, not min/max"
        if not condition or set(condition) - {"min", "max"}:
            return "a range is {min: n, max: m} (either may be left out)"
        values = list(condition.values())
    if not values:
        return "an empty list meets nothing"
    for value in values:
        if kind is bool and not isinstance(value, bool):
            return f"{fact} is true or false, not {value!r}"
        if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
            return f"{fact} is a whole number, not {value!r}"
        if isinstance(kind, enum.EnumMeta) and value not in {m.value for m in kind}:  # type: ignore[var-annotated]
            allowed = ", ".join(m.value for m in kind)  # type: ignore[var-annotated]
            return f"{fact} is one of {allowed}, not {value!r}"
    return None


def _placeholders(text: str) -> list[str]:
    """The facts a reason names; plain ``{fact}`` only (a format spec or a conversion could
    fail on an unknown value, which is shown as "?")."""
    names = []
    for _, name, spec, conversion in string.Formatter().parse(text):
        if name is None:
            continue
        if spec or conversion:
            raise ValueError(f"write {{{name}}} without a format or conversion")
        names.append(name)
    return names


def rule_set_problems(document: RuleSetDocument) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    seen: set[str] = set()
    for number, rule in enumerate(document.rules):
        here = f"rules[{number}]"
        if rule.code in seen:
            problems.append((f"{here}.code", f"{rule.code} appears twice"))
        seen.add(rule.code)
        for fact, condition in rule.when.items():
            problem = _condition_problem(fact, condition)
            if problem:
                problems.append((f"{here}.when.{fact}", problem))
        for language in ("es", "en"):
            try:
                names = _placeholders(getattr(rule.reason, language))
            except ValueError as error:
                problems.append((f"{here}.reason.{language}", f"bad placeholder: {error}"))
                continue
            unknown = [n for n in names if n not in FACTS]
            if unknown:
                problems.append(
                    (f"{here}.reason.{language}", f"unknown fact(s) {', '.join(unknown)}")
                )
    for number, escalation in enumerate(document.escalations):
        if escalation.to.rank >= escalation.of.rank:
            problems.append(
                (f"escalations[{number}].to", "an escalation raises the priority: to > of")
            )
    return problems


class RuleSetError(DataFileError):
    """A rule set that cannot be loaded; each problem carries its line where known."""


def parse_rule_set(text: str) -> RuleSetDocument:
    return parse_document(text, RuleSetDocument, error=RuleSetError, what="a rule set")


def default_rules_text() -> str:
    """The rules Hito ships with: the committee's criteria, a sound starting point."""
    return resources.files("hito.humanitarian").joinpath("data/rules.yaml").read_text("utf-8")


@dataclass(frozen=True)
class Decision:
    """A priority with every reason for it, the needs, and the rule version that decided."""

    priority: Priority
    reasons: tuple[dict[str, str], ...]
    needs: frozenset[Need]
    vulnerable: bool
    rule_set_version: int


Predicate = Callable[[Any], bool]


def _predicate(condition: Any) -> Predicate:
    if isinstance(condition, dict):
        low, high = condition.get("min"), condition.get("max")
        return lambda v: (
            v is not None
            and not isinstance(v, bool)
            and (low is None or v >= low)
            and (high is None or v <= high)
        )
    if isinstance(condition, list):
        allowed = frozenset(condition)
        return lambda v: v is not None and v in allowed
    return lambda v: v is not None and v == condition


class _Safe(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "?"


@dataclass
class RuleSet:
    """A loaded rule set, compiled once, that decides the priority of a screening's facts."""

    document: RuleSetDocument
    _compiled: list[tuple[RuleSpec, list[tuple[str, Predicate]]]] = field(init=False)

    def __post_init__(self) -> None:
        self._compiled = [
            (rule, [(fact, _predicate(cond)) for fact, cond in rule.when.items()])
            for rule in self.document.rules
        ]

    @property
    def version(self) -> int:
        return self.document.version

    def decide(self, facts: Mapping[str, Any]) -> Decision:
        met = [
            rule
            for rule, conditions in self._compiled
            if all(test(facts.get(fact)) for fact, test in conditions)
        ]
        values = _Safe({k: (v.value if isinstance(v, enum.Enum) else v) for k, v in facts.items()})
        reasons = [
            _reason(rule.code, rule.priority, rule.reason, values)
            for rule in sorted(met, key=lambda r: r.priority.rank)
        ]
        if not met:
            default = self.document.default
            return Decision(
                priority=default.priority,
                reasons=(_reason("default", default.priority, default.reason, values),),
                needs=frozenset(),
                vulnerable=False,
                rule_set_version=self.version,
            )
        priority = min((r.priority for r in met), key=lambda p: p.rank)
        for escalation in self.document.escalations:
            count = sum(1 for r in met if r.priority is escalation.of)
            if count >= escalation.at_least and escalation.to.rank < priority.rank:
                priority = escalation.to
                reasons.insert(0, _reason("escalation", escalation.to, escalation.reason, values))
        return Decision(
            priority=priority,
            reasons=tuple(reasons),
            needs=frozenset(r.need for r in met if r.need is not None),
            vulnerable=True,
            rule_set_version=self.version,
        )


def _reason(code: str, priority: Priority, reason: Reason, values: _Safe) -> dict[str, str]:
    return {
        "code": code,
        "priority": priority.value,
        "es": f"{string.Formatter().vformat(reason.es, (), values)} → {PRIORITY_ES[priority]}",
        "en": f"{string.Formatter().vformat(reason.en, (), values)} → {priority.value}",
    }
