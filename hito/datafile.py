"""Documents kept as data (agreements, priority rules): YAML or JSON, validated by a pydantic
model, every problem reported with the line it is on."""

from __future__ import annotations

from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

Model = TypeVar("Model", bound=BaseModel)
Problem = tuple[int | None, str, str]  # line, where, what


class DataFileError(Exception):
    """A document that cannot be loaded; each problem carries its line where known."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems

    def lines(self, filename: str) -> list[str]:
        return [
            f"{filename}:{line}: {where}: {what}" if line else f"{filename}: {where}: {what}"
            for line, where, what in self.problems
        ]


def _node_lines(node: yaml.Node, path: tuple[Any, ...] = ()) -> dict[tuple[Any, ...], int]:
    """Line (1-based) of every key and item of a composed YAML document."""
    lines = {path: node.start_mark.line + 1}
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            lines.update(_node_lines(value, (*path, key.value)))
            lines[(*path, key.value)] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines.update(_node_lines(item, (*path, index)))
    return lines


def _line_of(lines: dict[tuple[Any, ...], int], where: str) -> int | None:
    parts: list[Any] = []
    for piece in where.replace("]", "").split("."):
        name, *indexes = piece.split("[")
        parts.append(name)
        parts.extend(int(i) for i in indexes if i.isdigit())
    while parts:
        if tuple(parts) in lines:
            return lines[tuple(parts)]
        parts.pop()
    return None


def dotted(location: tuple[Any, ...]) -> str:
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def parse_document(
    text: str, model: type[Model], *, error: type[DataFileError] = DataFileError, what: str
) -> Model:
    """The validated document from YAML or JSON text, or ``error`` naming every problem.

    A model validator may report several problems at once as ``"where: what; where: what"``;
    each is placed on its own line.
    """
    try:
        data = yaml.safe_load(text)
        root = yaml.compose(text)
    except yaml.MarkedYAMLError as failure:
        mark = failure.problem_mark
        line = mark.line + 1 if mark else None
        raise error([(line, "file", f"not valid YAML or JSON: {failure.problem}")]) from None
    except yaml.YAMLError as failure:  # e.g. a control character, before any line is read
        line = text.count("\n", 0, getattr(failure, "position", 0)) + 1
        raise error([(line, "file", f"not valid YAML or JSON: {failure}")]) from None
    if not isinstance(data, dict) or root is None:
        raise error([(1, "file", f"{what} is a mapping")])
    lines = _node_lines(root)
    try:
        return model.model_validate(data)
    except ValidationError as failure:
        problems: list[Problem] = []
        for item in failure.errors():
            where = ".".join(str(p) for p in item["loc"]) or "document"
            message = str(item["msg"]).removeprefix("Value error, ")
            if where == "document" and ": " in message:  # the model's own checks
                for part in message.split("; "):
                    place, _, detail = part.partition(": ")
                    problems.append((_line_of(lines, place), place, detail))
                continue
            problems.append((_line_of(lines, dotted(item["loc"])), where, message))
        raise error(problems) from None
