"""Users' own person files (CSV) read into the standard columns.

Standard columns: id, given_names, surnames, birth_date, sex, nationality, document_type,
document_number. `--map` renames a file's columns to these (`given_names=first_name`) or builds
one from several (`surnames=paternal_surname+maternal_surname`); any standard column but id may
be absent; a file that has the standard column itself keeps it, so that one map serves the two
files of a link. Only what makes a file unusable stops the run, with its line number: bytes that are
neither UTF-8 nor Latin-1, no id column, an empty or repeated id, a row with the wrong number of
fields. Values that cannot be read are counted later, by preparation, and treated as missing.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from hito.identity.prepare import STANDARD_COLUMNS

_C1 = re.compile(rb"[\x80-\x9f]")


class FileError(ValueError):
    """The file cannot be used; the message names the file and, where it applies, the line."""


@dataclass
class PersonFile:
    table: pa.Table
    path: Path
    encoding: str
    sha256: str
    rows: int
    missing_columns: list[str] = field(default_factory=list)

    def describe(self) -> dict[str, object]:
        return {
            "file": self.path.name,
            "sha256": self.sha256,
            "rows": self.rows,
            "encoding": self.encoding,
            "missing_columns": self.missing_columns,
        }


def parse_map(text: str | None) -> dict[str, list[str]]:
    """'given_names=first_name,surnames=paternal+maternal' → {standard: [file columns]}."""
    mapping: dict[str, list[str]] = {}
    if not text:
        return mapping
    for part in text.split(","):
        if not part.strip():
            continue
        standard, sep, sources = part.partition("=")
        standard = standard.strip()
        if not sep or not sources.strip():
            raise FileError(f"--map: {part.strip()!r} is not STANDARD=column[+column…]")
        if standard not in STANDARD_COLUMNS:
            raise FileError(
                f"--map: {standard!r} is not a standard column; "
                f"they are {', '.join(STANDARD_COLUMNS)}"
            )
        if standard in mapping:
            raise FileError(f"--map: {standard!r} is mapped twice")
        mapping[standard] = [s.strip() for s in sources.split("+") if s.strip()]
    return mapping


def parse_extra(text: str | None) -> list[str]:
    extra = [c.strip() for c in (text or "").split(",") if c.strip()]
    for column in extra:
        if column in STANDARD_COLUMNS:
            raise FileError(f"--extra: {column!r} is a standard column, compared already")
    return extra


def _decode(path: Path, data: bytes, encoding: str) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    candidates = ["utf-8", "latin-1"] if encoding == "auto" else [encoding]
    first_error: UnicodeDecodeError | None = None
    for candidate in candidates:
        if candidate == "latin-1" and encoding == "auto":
            # Latin-1 decodes any byte; C1 controls mean the text is something else.
            found = _C1.search(data)
            if found:
                line = data[: found.start()].count(b"\n") + 1
                raise FileError(
                    f"{path.name}: line {line}: byte 0x{data[found.start()]:02x} is neither "
                    f"UTF-8 nor Latin-1 text; save the file as UTF-8"
                )
        try:
            return data.decode(candidate), candidate
        except UnicodeDecodeError as error:
            first_error = first_error or error
        except LookupError:
            raise FileError(f"unknown encoding {encoding!r}") from None
    assert first_error is not None
    line = data[: first_error.start].count(b"\n") + 1
    raise FileError(
        f"{path.name}: line {line}: bytes that are not {encoding} "
        f"({first_error.reason} at byte {first_error.start})"
    )


def _dialect(header_line: str) -> str:
    counts = {delimiter: header_line.count(delimiter) for delimiter in (",", ";", "\t", "|")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def read_person_file(
    path: Path,
    *,
    mapping: dict[str, list[str]] | None = None,
    extra: list[str] | None = None,
    encoding: str = "auto",
) -> PersonFile:
    mapping = mapping or {}
    extra = extra or []
    try:
        data = path.read_bytes()
    except OSError as error:
        raise FileError(f"{path}: {error.strerror}") from None
    text, used = _decode(path, data, encoding)
    if not text.strip():
        raise FileError(f"{path.name}: the file is empty")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_dialect(text.split("\n", 1)[0]))
    try:
        header = [column.strip() for column in next(reader)]
    except csv.Error as error:
        raise FileError(f"{path.name}: line 1: {error}") from None
    position = {name: i for i, name in enumerate(header)}
    sources: dict[str, list[int]] = {}
    missing = []
    for standard in STANDARD_COLUMNS:
        names = mapping.get(standard, [standard])
        absent = [name for name in names if name not in position]
        if absent and standard in mapping and standard in position:
            # One --map serves both files of a link: a file that already has the standard
            # column keeps it.
            names, absent = [standard], []
        if absent and standard in mapping:
            raise FileError(
                f"{path.name}: line 1: column {absent[0]!r} (for {standard}) is not in the file; "
                f"its columns are {', '.join(header)}"
            )
        if absent:
            missing.append(standard)
            continue
        sources[standard] = [position[name] for name in names]
    if "id" not in sources:
        raise FileError(
            f"{path.name}: line 1: no id column (map one with --map id=COLUMN); "
            f"its columns are {', '.join(header)}"
        )
    for column in extra:
        if column not in position:
            raise FileError(f"{path.name}: line 1: extra column {column!r} is not in the file")
        sources[column] = [position[column]]
    columns: dict[str, list[str | None]] = {name: [] for name in sources}
    seen: dict[str, int] = {}
    try:
        for row in reader:
            line = reader.line_num
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            if len(row) != len(header):
                raise FileError(
                    f"{path.name}: line {line}: {len(row)} fields, the header has {len(header)}"
                )
            for name, indexes in sources.items():
                value = " ".join(row[i].strip() for i in indexes if row[i].strip())
                columns[name].append(value or None)
            record_id = columns["id"][-1]
            if record_id is None:
                raise FileError(f"{path.name}: line {line}: empty id")
            if record_id in seen:
                raise FileError(
                    f"{path.name}: line {line}: id {record_id!r} already used on line "
                    f"{seen[record_id]}"
                )
            seen[record_id] = line
    except csv.Error as error:
        raise FileError(f"{path.name}: line {reader.line_num}: {error}") from None
    if not seen:
        raise FileError(f"{path.name}: no records after the header")
    arrays = {name: pa.array(values, pa.string()) for name, values in columns.items()}
    for standard in missing:
        arrays[standard] = pa.nulls(len(seen), pa.string())
    return PersonFile(
        table=pa.table(arrays),
        path=path,
        encoding=used,
        sha256=hashlib.sha256(data).hexdigest(),
        rows=len(seen),
        missing_columns=missing,
    )
