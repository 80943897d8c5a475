"""Priority rules as data: every criterion of the shipped rules, their combinations, and rule
files that cannot be loaded (each problem with its line)."""

from __future__ import annotations

from typing import Any

import pytest

from hito.humanitarian.models import ChildStatus, Illness, Need, Priority
from hito.humanitarian.rules import (
    RuleSet,
    RuleSetError,
    default_rules_text,
    parse_rule_set,
)

RULES = RuleSet(parse_rule_set(default_rules_text()))


@pytest.mark.parametrize(
    ("facts", "priority", "first_reason", "need"),
    [
        (
            {"child_status": ChildStatus.unaccompanied, "age": 15},
            "critical",
            "menor no acompañado → crítica",
            Need.child_protection,
        ),
        (
            {"child_status": ChildStatus.separated, "age": 12},
            "high",
            "menor separado de su cuidador habitual → alta",
            Need.child_protection,
        ),
        (
            {"child_status": ChildStatus.accompanied, "age": 9},
            "low",
            "sin criterios de vulnerabilidad → baja",
            None,
        ),
        ({"trafficking": True}, "critical", "indicios de trata → crítica", Need.protection),
        (
            {"pregnant": True, "pregnancy_high_risk": True, "pregnancy_months": 7},
            "critical",
            "embarazo de alto riesgo, 7 meses → crítica",
            Need.maternal,
        ),
        (
            {"pregnant": True, "pregnancy_months": 8},
            "high",
            "embarazo de 8 meses → alta",
            Need.maternal,
        ),
        ({"pregnant": True, "pregnancy_months": 3}, "medium", "embarazo → media", Need.maternal),
        (
            {"illness": Illness.cancer, "treatment_interrupted": True},
            "high",
            "cáncer, tratamiento interrumpido → alta",
            Need.medical,
        ),
        (
            {"illness": Illness.chronic, "treatment_interrupted": True},
            "high",
            "enfermedad grave, tratamiento interrumpido → alta",
            Need.medical,
        ),
        ({"illness": Illness.cancer}, "medium", "enfermedad grave → media", Need.medical),
        ({"violence": True}, "high", "violencia sufrida → alta", Need.protection),
        ({"threats": True}, "high", "amenazas → alta", Need.protection),
        (
            {"age": 68, "elderly_without_support": True},
            "high",
            "persona mayor sin apoyo, 68 años → alta",
            Need.elderly_care,
        ),
        (
            {"age": 50, "elderly_without_support": True},
            "low",
            "sin criterios de vulnerabilidad → baja",
            None,
        ),
        ({"age": 80}, "medium", "persona mayor, 80 años → media", Need.elderly_care),
        ({"disability": True}, "medium", "discapacidad → media", Need.disability),
        ({"single_caregiver": True}, "medium", "cuidador único → media", Need.family_support),
        ({"age": 3}, "medium", "niño menor de 5 años → media", Need.child_protection),
        ({"age": 30}, "low", "sin criterios de vulnerabilidad → baja", None),
        ({}, "low", "sin criterios de vulnerabilidad → baja", None),
    ],
)
def test_every_criterion_gives_its_priority_and_says_why(
    facts: dict[str, Any], priority: str, first_reason: str, need: Need | None
) -> None:
    decision = RULES.decide(facts)
    assert decision.priority is Priority(priority)
    assert decision.reasons[0]["es"] == first_reason
    assert decision.reasons[0]["en"].endswith(f"→ {priority}")
    assert decision.needs == (frozenset({need}) if need else frozenset())
    assert decision.vulnerable is (need is not None)
    assert decision.rule_set_version == 1


def test_combinations_take_the_highest_and_escalate() -> None:
    # One high and one medium: the high decides, both are reasons.
    cancer_and_disabled = RULES.decide(
        {"illness": Illness.cancer, "treatment_interrupted": True, "disability": True}
    )
    assert cancer_and_disabled.priority is Priority.high
    codes = [r["code"] for r in cancer_and_disabled.reasons]
    assert codes == ["cancer_interrupted", "serious_illness", "disability"]
    assert cancer_and_disabled.needs == {Need.medical, Need.disability}
    # Two highs make a critical case, and the escalation is the first reason.
    two_highs = RULES.decide({"violence": True, "threats": True})
    assert two_highs.priority is Priority.critical
    assert two_highs.reasons[0]["code"] == "escalation"
    assert two_highs.reasons[0]["es"] == "varios criterios de prioridad alta → crítica"
    # Two mediums make a high one; a critical is never lowered by an escalation.
    assert RULES.decide({"disability": True, "single_caregiver": True}).priority is Priority.high
    child = RULES.decide({"child_status": ChildStatus.unaccompanied, "age": 3, "disability": True})
    assert child.priority is Priority.critical
    assert [r["code"] for r in child.reasons][0] == "unaccompanied_child"


def test_an_unknown_fact_meets_no_condition() -> None:
    assert RULES.decide({"age": None, "pregnancy_months": None}).priority is Priority.low
    # A missing month count does not meet "at least 7 months", and the reason says "?".
    decision = RULES.decide({"pregnant": True, "pregnancy_high_risk": True})
    assert decision.priority is Priority.critical
    assert decision.reasons[0]["es"] == "embarazo de alto riesgo, ? meses → crítica"


GOOD = """version: 2
title: prueba
rules:
  - code: pregnancy
    when: {pregnant: true}
    priority: critical
    need: maternal
    reason: {es: embarazo, en: pregnancy}
"""


def test_a_small_rule_set_loads_and_decides() -> None:
    rules = RuleSet(parse_rule_set(GOOD))
    assert rules.version == 2
    assert rules.decide({"pregnant": True}).priority is Priority.critical
    assert rules.decide({"pregnant": False}).priority is Priority.low


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("", 1, "a rule set is a mapping"),
        ("version: [", 1, "not valid YAML"),
        (GOOD.replace("pregnant: true}", "pregnat: true}"), 5, "unknown fact 'pregnat'"),
        (GOOD.replace("pregnant: true}", "pregnant: yes please}"), 5, "pregnant is true or false"),
        (GOOD.replace("pregnant: true}", "age: {min: sixty}}"), 5, "age is a whole number"),
        (GOOD.replace("pregnant: true}", "pregnant: {min: 1}}"), 5, "not a number"),
        (GOOD.replace("pregnant: true}", "illness: flu}"), 5, "illness is one of cancer"),
        (GOOD.replace("priority: critical", "priority: urgent"), 6, "priority"),
        (GOOD.replace("need: maternal", "need: money"), 7, "need"),
        (GOOD.replace("es: embarazo", "es: 'embarazo {weeks}'"), 8, "unknown fact(s) weeks"),
        (GOOD.replace("version: 2", "version: 0"), 1, "greater than or equal to 1"),
        (GOOD.replace("es: embarazo", "es: 'embarazo {age:d}'"), 8, "without a format"),
        (GOOD.replace("es: embarazo", "es: 'embarazo {age!r}'"), 8, "without a format"),
        (
            GOOD + "  - code: pregnancy\n    when: {disability: true}\n    priority: low\n"
            "    reason: {es: x, en: x}\n",
            9,
            "pregnancy appears twice",
        ),
        (
            GOOD + "escalations:\n  - {at_least: 2, of: high, to: low, reason: {es: x, en: x}}\n",
            10,
            "raises the priority",
        ),
        (GOOD.replace("title: prueba", "title: prueba\nsecret: 1"), 3, "Extra inputs"),
    ],
)
def test_bad_rule_files_are_refused_with_the_line(text: str, line: int, message: str) -> None:
    with pytest.raises(RuleSetError) as caught:
        parse_rule_set(text)
    lines = caught.value.lines("rules.yaml")
    assert any(message in entry for entry in lines), lines
    assert any(entry.startswith(f"rules.yaml:{line}:") for entry in lines), lines
