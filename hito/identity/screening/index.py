"""An in-memory index of an alert list, built once, screened against many times.

Entries are prepared like linkage records (hito.identity.prepare) and filed under a few keys:
the document number, and pairs of name keys (in whichever column they were written) with the
birth year or date. A screened person is scored only against the entries that share a key with
them, so a lookup stays in milliseconds on a list of a million entries. Documents on a stolen
or lost list are a hit by number alone.

To hold a million entries in well under 2 GiB, nothing is kept per entry as a Python object:
an entry is a row of small integers (each name, list and kind a code into one table of the
distinct values, so "gonzalez" is stored once however many entries carry it; the birth date as
numbers), its id, reference and document number sit in Arrow string arrays, and the keys are
one sorted array of 64-bit key hashes beside the positions they lead to (two keys sharing a
hash only add a candidate, which is scored like any other). What only builds the keys (the
phonetic codes) is not kept.
"""

from __future__ import annotations

import threading
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from hito.identity import prepare
from hito.identity.screening.scoring import FieldScore, Frequencies, probability, score

DOCUMENT_KINDS = frozenset({"stolen_document", "lost_document"})
_FIELDS = (
    "g_all",
    "g1",
    "g2",
    "g_tok",
    "s_all",
    "s1",
    "s2",
    "s_tok",
    "g1_ph",
    "s1_ph",
    "s2_ph",
    "byear",
    "bmonth",
    "bday",
    "dob",
    "dob_swap",
    "sex",
    "nat",
    "doc",
    "doc_kind",
)


_INPUT = prepare.STANDARD_COLUMNS
# What an entry carries besides the person: kept as given, returned with each candidate.
META = ("kind", "list_name", "reference", "origin_node", "sharing_level", "audience")

# An entry's row of codes: values with few distinct ones (names, lists, kinds) as positions in
# the index's table of values, birth year, month and day as numbers; -1 is missing.
_CODED: tuple[str, ...] = ("g_all", "s_all", "married", "sex", "nat", "doc_kind", "kind")
_CODED += ("list_name", "origin_node", "sharing_level", "audience")
_NUMBERS = ("byear", "bmonth", "bday")
_ROW = _CODED + _NUMBERS
_MISSING = -1


def _source(table: pa.Table, ids: pa.Array | None = None) -> pa.Table:
    """The standard columns of `table` as strings (missing ones null); `ids` replaces its ids."""
    size = table.num_rows
    columns = {}
    for name in _INPUT:
        if name == "id" and ids is not None:
            columns[name] = ids
        elif name in table.column_names:
            columns[name] = table.column(name).cast(pa.string())
        else:
            columns[name] = pa.nulls(size, pa.string())
    return pa.table(columns)


class Preparer:
    """Prepares records in DuckDB with the same SQL as linkage; safe to share across threads."""

    def __init__(self) -> None:
        self._connection = duckdb.connect()
        prepare.install(self._connection)
        self._lock = threading.Lock()

    def _select(self, source: pa.Table, select: str) -> pa.Table:
        with self._lock:
            cursor = self._connection.cursor()
        try:
            cursor.register("screen_input", source)
            return cursor.sql(
                select.format(prepared=f"({prepare.prepare_select('screen_input')})")
            ).to_arrow_table()
        finally:
            cursor.close()

    def prepare(self, table: pa.Table) -> list[dict[str, Any]]:
        fields = ", ".join(_FIELDS)
        rows = self._select(_source(table), f"select id, {fields} from {{prepared}}")
        return list(rows.to_pylist())

    def prepare_columns(self, table: pa.Table) -> dict[str, list[Any]]:
        """The prepared fields of `table`'s rows, column by column, in the table's order."""
        rows = pa.array(np.arange(table.num_rows).astype(str))  # DuckDB may reorder rows
        fields = ", ".join((*_FIELDS, "married"))
        prepared = self._select(
            _source(table, rows),
            f"select {fields} from {{prepared}} order by cast(id as integer)",
        )
        return prepared.to_pydict()


@dataclass
class Candidate:
    entry: dict[str, Any]  # list_name, kind, reference and the entry's id
    weight: float
    match_probability: float
    fields: list[FieldScore]
    reason: str  # "document" (a listed document's number) or "person"

    def to_dict(self) -> dict[str, Any]:
        return {
            "entry": self.entry,
            "match_weight": round(self.weight, 2),
            "match_probability": self.match_probability,
            "reason": self.reason,
            "fields": [f.to_dict() for f in self.fields],
        }


def _keys(record: dict[str, Any], *, query: bool) -> Iterator[tuple[Any, ...]]:
    """Keys an entry is filed under (query=False) or a screened person looks up (query=True).
    Names are keyed without their column (given names written as surnames still meet) and
    birth years are looked up ±1, for estimated years and slips."""
    if record["doc"]:
        yield ("doc", record["doc"])
    names = sorted({n for n in (record["g1_ph"], record["s1_ph"], record["s2_ph"]) if n})
    pairs = [(a, b) for i, a in enumerate(names) for b in names[i + 1 :]]
    dob = record["dob"]
    if dob:
        for name in names:
            yield ("dob-n", dob, name)
        for pair in pairs:  # a wrong digit in the year: the day and month
            yield ("md-nn", record["bmonth"], record["bday"], *pair)
    years = [record["byear"]] if record["byear"] is not None else []
    if query and years:
        years = [years[0] - 1, years[0], years[0] + 1]
    for year in years:
        for pair in pairs:
            yield ("y-nn", year, *pair)
    # Without a birth year on either side, the names alone.
    if record["byear"] is None or query:
        tag = "names-any" if record["byear"] is None and query else "names-undated"
        for pair in pairs:
            yield (tag, *pair)


def _entry_keys(record: dict[str, Any]) -> set[tuple[Any, ...]]:
    """The keys an entry is filed under: its own, and the undated ones a person screened
    without a birth year looks up."""
    keys = set(_keys(record, query=False))
    for key in list(keys):
        if key[0] == "names-undated":
            keys.add(("names-any", *key[1:]))
    if record["byear"] is not None:
        keys.update(("names-any", *key[2:]) for key in list(keys) if key[0] == "y-nn")
    return keys


@dataclass
class AlertIndex:
    preparer: Preparer = field(default_factory=Preparer)
    frequencies: Frequencies = field(default_factory=lambda: Frequencies(0, {}, {}, {}))
    values: list[Any] = field(default_factory=list)  # the distinct coded values, each once
    rows: np.ndarray = field(default_factory=lambda: np.zeros((0, len(_ROW)), np.int32))
    ids: pa.Array = field(default_factory=lambda: pa.array([], pa.string()))
    references: pa.Array = field(default_factory=lambda: pa.array([], pa.string()))
    documents: pa.Array = field(default_factory=lambda: pa.array([], pa.string()))
    key_hashes: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # sorted
    key_positions: np.ndarray = field(default_factory=lambda: np.zeros(0, np.uint32))

    BATCH = 100_000  # entries prepared at once: the build's peak stays a batch's columns

    @classmethod
    def build(cls, table: pa.Table, *, preparer: Preparer | None = None) -> AlertIndex:
        """`table`: the standard columns (id as the entry's id) plus kind, list_name, reference."""
        index = cls(preparer=preparer or Preparer())
        codes: dict[Any, int] = {}
        rows: list[np.ndarray] = []
        ids, references, documents = [], [], []
        hashes, positions = array("q"), array("I")
        for start in range(0, table.num_rows, cls.BATCH):
            batch = table.slice(start, cls.BATCH)
            prepared = index.preparer.prepare_columns(batch)
            for name in (n for n in META if n in _CODED):
                present = name in batch.column_names
                prepared[name] = batch.column(name).to_pylist() if present else [None] * len(batch)
            ids.append(batch.column("id").cast(pa.string()).combine_chunks())
            references.append(
                batch.column("reference").cast(pa.string()).combine_chunks()
                if "reference" in batch.column_names
                else pa.nulls(len(batch), pa.string())
            )
            documents.append(pa.array(prepared["doc"], pa.string()))
            rows.append(index._code(prepared, codes))
            for row, record in enumerate(_records(prepared)):
                for key in _entry_keys(record):
                    hashes.append(hash(key))
                    positions.append(start + row)
                if record["kind"] not in DOCUMENT_KINDS:
                    index.frequencies.count(record)
        if rows:
            index.rows = np.concatenate(rows)
            index.ids = pa.concat_arrays(ids)
            index.references = pa.concat_arrays(references)
            index.documents = pa.concat_arrays(documents)
        keys = np.frombuffer(hashes, np.int64)
        order = np.argsort(keys, kind="stable")
        index.key_hashes, index.key_positions = (
            keys[order],
            np.frombuffer(positions, np.uint32)[order],
        )
        return index

    def _code(self, columns: dict[str, list[Any]], codes: dict[Any, int]) -> np.ndarray:
        """A batch's rows of codes; new distinct values are added to `values`."""
        size = len(columns["g_all"])
        block = np.full((size, len(_ROW)), _MISSING, np.int32)
        for column, name in enumerate(_CODED):
            for row, value in enumerate(columns[name]):
                if value is None:
                    continue
                code = codes.get(value)
                if code is None:
                    code = codes[value] = len(self.values)
                    self.values.append(value)
                block[row, column] = code
        for column, name in enumerate(_NUMBERS, start=len(_CODED)):
            block[:, column] = [_MISSING if v is None else v for v in columns[name]]
        return block

    def entry(self, position: int, *, meta: bool = True) -> dict[str, Any]:
        """An entry as scoring reads it (prepared fields), with its id and reference unless
        `meta` is false."""
        row = self.rows[position].tolist()
        values = self.values
        record: dict[str, Any] = {
            name: None if code == _MISSING else values[code]
            for name, code in zip(_CODED, row, strict=False)
        }
        year, month, day = (None if v == _MISSING else v for v in row[len(_CODED) :])
        given = record["g_all"].split(" ") if record["g_all"] else []
        family = record["s_all"].split(" ") if record["s_all"] else []
        married = [record["married"]] if record["married"] else []
        if meta:
            record["id"] = self.ids[position].as_py()
            record["reference"] = self.references[position].as_py()
        record.update(
            doc=self.documents[position].as_py(),
            g1=given[0] if given else None,
            g2=given[1] if len(given) > 1 else None,
            g_tok=given,
            s1=family[0] if family else None,
            s2=family[1] if len(family) > 1 else None,
            s_tok=sorted(set(family + married)),
            byear=year,
            bmonth=month,
            bday=day,
            dob=f"{year:04d}-{month:02d}-{day:02d}" if day is not None else None,
        )
        return record

    def _meta(self, position: int) -> dict[str, Any]:
        entry = self.entry(position)
        return {"id": entry["id"], **{name: entry[name] for name in META}}

    def __len__(self) -> int:
        return len(self.rows)

    def candidates(self, subject: dict[str, Any]) -> set[int]:
        codes = np.array([hash(key) for key in _keys(subject, query=True)], np.int64)
        if not len(codes) or not len(self.key_hashes):
            return set()
        starts = np.searchsorted(self.key_hashes, codes, "left")
        ends = np.searchsorted(self.key_hashes, codes, "right")
        found: set[int] = set()
        for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
            if end > start:
                found.update(self.key_positions[start:end].tolist())
        return found

    def screen_prepared(self, subject: dict[str, Any], *, threshold: float) -> list[Candidate]:
        results = []
        for position in self.candidates(subject):
            entry = self.entry(position, meta=False)
            if entry["kind"] in DOCUMENT_KINDS:
                if _same_document(subject, entry):
                    document = FieldScore("document", "listed document number", 99.0, True)
                    results.append(
                        Candidate(self._meta(position), 99.0, 1.0, [document], "document")
                    )
                continue
            weight, fields = score(subject, entry, self.frequencies)
            chance = probability(weight)
            if chance >= threshold:
                results.append(Candidate(self._meta(position), weight, chance, fields, "person"))
        results.sort(key=lambda c: (-c.weight, str(c.entry["id"])))
        return results

    def screen_record(self, person: dict[str, Any], *, threshold: float) -> list[Candidate]:
        """Screen one person given in the standard columns (prepared in Python, ~0.1 ms)."""
        return self.screen_prepared(prepare.prepare_record(person), threshold=threshold)

    def screen(
        self, people: pa.Table, *, threshold: float
    ) -> Iterable[tuple[dict[str, Any], list[Candidate]]]:
        """(prepared person, candidates) for each person of `people` (standard columns)."""
        for subject in self.preparer.prepare(people):
            yield subject, self.screen_prepared(subject, threshold=threshold)


def _records(columns: dict[str, list[Any]]) -> Iterator[dict[str, Any]]:
    names = list(columns)
    for values in zip(*columns.values(), strict=True):
        yield dict(zip(names, values, strict=True))


def _same_document(subject: dict[str, Any], entry: dict[str, Any]) -> bool:
    """A listed document's number, of the same kind when both kinds are known: a Peruvian
    DNI and a Venezuelan cédula may carry the same digits and are different documents."""
    if not subject["doc"] or subject["doc"] != entry["doc"]:
        return False
    kinds = subject["doc_kind"], entry["doc_kind"]
    return None in kinds or kinds[0] == kinds[1]
