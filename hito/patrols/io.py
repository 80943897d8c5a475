"""Patrol units from a YAML file: every problem named by its line, nothing kept if any."""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources

import yaml
from pydantic import ValidationError

from hito.patrols.schemas import UnitCreate


class UnitFileError(ValueError):
    def __init__(self, errors: Sequence[str]) -> None:
        super().__init__("; ".join(errors[:3]))
        self.errors = list(errors)


def read_units(text: str, name: str = "units") -> list[UnitCreate]:
    """Units from YAML text (a list of mappings as `UnitCreate` takes them); problems as
    `NAME:LINE: message`."""
    try:
        root = yaml.compose(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        what = getattr(error, "problem", error)
        raise UnitFileError([f"{name}{line}: not YAML ({what})"]) from None
    if not isinstance(root, yaml.SequenceNode) or not root.value:
        raise UnitFileError([f"{name}:1: expected a list of units"])
    units, errors = [], []
    for node, item in zip(root.value, yaml.safe_load(text), strict=True):
        line = node.start_mark.line + 1
        try:
            units.append(UnitCreate.model_validate(item))
        except ValidationError as error:
            for e in error.errors():
                where = ".".join(str(p) for p in e["loc"]) or "unit"
                errors.append(f"{name}:{line}: {where}: {e['msg']}")
    if errors:
        raise UnitFileError(errors)
    return units


def demo_units(node: str) -> list[UnitCreate]:
    """The demo's units of a node's country (`data/demo_units_<node>.yaml`)."""
    path = f"data/demo_units_{node.lower()}.yaml"
    return read_units(resources.files("hito.patrols").joinpath(path).read_text("utf-8"), path)
