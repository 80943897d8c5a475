"""The indicators' definitions, kept as data (``data/indicators.yaml``) and read once."""

from __future__ import annotations

import enum
from functools import cache
from pathlib import Path
from typing import Self

from pydantic import BaseModel, ConfigDict, model_validator

from hito.datafile import parse_document

INDICATORS = Path(__file__).with_name("data") / "indicators.yaml"


class AlertWhen(enum.StrEnum):
    above = "above"
    below = "below"


class Level(enum.StrEnum):
    ok = "ok"
    warning = "warning"
    critical = "critical"
    unknown = "unknown"  # no figure: nothing reported, or nothing the user may see


class Words(BaseModel):
    model_config = ConfigDict(extra="forbid")

    es: str
    en: str

    def say(self, lang: str) -> str:
        return self.en if lang == "en" else self.es


class Definition(BaseModel):
    model_config = ConfigDict(extra="forbid")

    label: Words
    unit: Words
    definition: Words
    source: str
    alert_when: AlertWhen
    warning: float
    critical: float
    reference: float | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        worse = (
            self.critical >= self.warning
            if self.alert_when is AlertWhen.above
            else (self.critical <= self.warning)
        )
        if not worse:
            raise ValueError(f"critical: must be past warning when alerting {self.alert_when}")
        return self

    def level(self, value: float | None) -> Level:
        if value is None:
            return Level.unknown
        past = (
            (lambda t: value >= t) if self.alert_when is AlertWhen.above else (lambda t: value <= t)
        )
        if past(self.critical):
            return Level.critical
        return Level.warning if past(self.warning) else Level.ok


class Catalogue(BaseModel):
    model_config = ConfigDict(extra="forbid")

    indicators: dict[str, Definition]


@cache
def catalogue() -> Catalogue:
    return parse_document(INDICATORS.read_text(encoding="utf-8"), Catalogue, what="indicators")
