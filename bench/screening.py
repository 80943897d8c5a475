"""Alert screening against a 1,000,000-entry list: latency per person, recall, false positives.

    .venv/bin/python bench/screening.py
    .venv/bin/python bench/screening.py --entries 100000 --people 2000
    .venv/bin/python bench/screening.py --profile realistic --explain 20 --threshold 0.2

The list holds wanted persons and stolen documents drawn from the synthetic population; the
people screened are, half of them, listed persons (or holders of a listed document) written down
again by another officer, with the variations of bench/linkage.py, and half people who are on no
list. Latency is per person, through the same call the API makes (preparation, lookup, scoring),
after the index is built. Beside it, a plain rapidfuzz baseline over the same list and people
(`rapidfuzz_baseline`); `--profile realistic` draws both from published name frequencies.
`--explain N` prints N people on no list who were flagged, and N listed people who were not,
each with the entry's fields and the weight each field gave.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import machine  # noqa: E402

from hito.identity.screening import DEFAULT_THRESHOLD  # noqa: E402

THRESHOLDS = (0.9, 0.8, 0.5, 0.2, 0.1, 0.05, 0.02)
CUTOFFS = (95, 90, 85, 80)  # rapidfuzz token-set ratio, 0-100


def rapidfuzz_baseline(
    rows: list[dict[str, str]], subjects: list[tuple[dict[str, str], str | None]]
) -> tuple[list[float], list[float], float]:
    """A plain baseline over the same list: the full name compared with rapidfuzz's token-set
    ratio (case, accents and word order ignored) against every listed person born the same
    year ±1 (everyone when a year is missing), and a listed document's number matched exactly.
    Returns the best score for each listed subject's own entry, the best score for each
    stranger, and the mean milliseconds per person."""
    from collections import defaultdict

    from rapidfuzz import fuzz, process, utils

    def name(row: dict[str, str]) -> str:
        return utils.default_process(f"{row['given_names']} {row['surnames']}")

    def year(row: dict[str, str]) -> int | None:
        text = row["birth_date"][:4]
        return int(text) if text.isdigit() else None

    by_year: dict[int | None, list[int]] = defaultdict(list)
    names, documents = [], {}
    for position, row in enumerate(rows):
        names.append(name(row))
        if row["kind"] == "stolen_document":
            documents[row["document_number"]] = position
        else:
            by_year[year(row)].append(position)
    everyone = [p for positions in by_year.values() for p in positions]
    best_true, best_other = [], []
    started = time.perf_counter()
    for subject, expected in subjects:
        born = year(subject)
        pool = everyone if born is None else [
            p for y in (born - 1, born, born + 1, None) for p in by_year.get(y, [])
        ]  # fmt: skip
        choices = {p: names[p] for p in pool}
        hits = dict(
            (p, score) for _, score, p in process.extract(
                name(subject), choices, scorer=fuzz.token_set_ratio, score_cutoff=min(CUTOFFS),
                limit=None,
            )
        )  # fmt: skip
        listed = documents.get(subject["document_number"]) if subject["document_number"] else None
        if listed is not None:
            hits[listed] = 100.0
        if expected is None:
            best_other.append(max(hits.values(), default=0.0))
        else:
            best_true.append(hits.get(int(expected[1:]), 0.0))
    return best_true, best_other, (time.perf_counter() - started) * 1000 / len(subjects)


def _explain(subject: dict[str, str], hit: Any, index: Any) -> None:
    """A person on no list, the entry they were flagged for and each field's weight."""
    entry = index.entry(int(hit.entry["id"][1:]))  # entries are indexed in the list's order
    print(
        f"  {subject['given_names']} / {subject['surnames']} / {subject['birth_date']} / "
        f"{subject['sex']} {subject['nationality']} → {hit.entry['id']} "
        f"(p {hit.match_probability:.3f}, weight {hit.weight:.1f}) "
        f"{entry.get('g_all')} / {entry.get('s_all')} / {entry.get('dob') or entry.get('byear')}"
    )
    for part in hit.fields:
        print(f"      {part.field:<12} {part.weight:>6.2f}  {part.level}")


def _explain_missed(subject: dict[str, str], expected: str, index: Any) -> None:
    """A listed person not flagged at the threshold, and how their own entry scored."""
    from hito.identity.prepare import prepare_record
    from hito.identity.screening.scoring import probability, score

    position = int(expected[1:])
    entry = index.entry(position)
    prepared = prepare_record(subject)
    found = position in index.candidates(prepared)
    weight, fields = score(prepared, entry, index.frequencies)
    print(
        f"  missed: {subject['given_names']} / {subject['surnames']} / {subject['birth_date']} / "
        f"{subject['sex']} {subject['nationality']} {subject['document_number']} → {expected} "
        f"({'reached' if found else 'not reached'}, p {probability(weight):.3f}) "
        f"{entry['g_all']} / {entry['s_all']} / {entry['dob'] or entry['byear']} {entry['doc']}"
    )
    for part in fields:
        print(f"      {part.field:<12} {part.weight:>6.2f}  {part.level}")


def _rss_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--people", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    parser.add_argument(
        "--profile",
        choices=["hard", "realistic"],
        default="hard",
        help="name frequencies of the list and the people screened",
    )
    parser.add_argument("--no-baseline", dest="baseline", action="store_false")
    parser.add_argument(
        "--explain",
        type=int,
        default=0,
        metavar="N",
        help="print N people on no list flagged at --threshold and N listed people not flagged",
    )
    args = parser.parse_args()

    from hito.identity.screening import AlertIndex
    from hito.identity.synthetic import Noise, Population, record

    print(f"machine: {machine()}")
    started = time.perf_counter()
    population = Population(args.seed, args.profile)
    rng = population.rng
    listed = population.people(args.entries)
    rows = []
    stolen = set()
    for i, person in enumerate(listed):
        row = record(rng, person, Noise().scaled(0.5), f"A{i:07d}")
        if i % 10 == 0 and row["document_number"]:
            # a stolen document: the list knows its number, not who carries it now
            stolen.add(i)
            row = {**row, "given_names": "", "surnames": "", "birth_date": "", "sex": ""}
            row["kind"] = "stolen_document"
        else:
            row["kind"] = "wanted_person"
        row["list_name"] = "bench"
        row["reference"] = f"REF-{i}"
        rows.append(row)
    generated = time.perf_counter() - started
    before = _rss_gib()
    started = time.perf_counter()
    index = AlertIndex.build(pa.Table.from_pylist(rows))
    built = time.perf_counter() - started
    print(
        f"list: {len(index):,} entries ({len(stolen):,} stolen documents), generated in "
        f"{generated:.0f} s; index built in {built:.1f} s, peak memory {_rss_gib():.2f} GiB "
        f"(before the index {before:.2f} GiB)"
    )

    half = args.people // 2
    chosen = rng.choice(len(listed), size=half, replace=False)
    subjects = []
    for k, i in enumerate(chosen):
        subject = record(rng, listed[int(i)], Noise(), f"S{k}")
        if int(i) in stolen:
            # the holder of the stolen document, names as written today, the same document
            subject["document_number"] = rows[int(i)]["document_number"]
            subject["document_type"] = rows[int(i)]["document_type"]
        subjects.append((subject, f"A{int(i):07d}"))
    strangers = Population(args.seed + 1000, args.profile).people(args.people - half)
    subjects += [(record(rng, p, Noise(), f"O{k}"), None) for k, p in enumerate(strangers)]

    latencies, best_true, best_other, candidates, explained, missed = [], [], [], 0, 0, 0
    lowest = min(THRESHOLDS)
    for subject, expected in subjects:
        started = time.perf_counter()
        hits = index.screen_record(subject, threshold=lowest)
        latencies.append(time.perf_counter() - started)
        candidates += sum(hit.match_probability >= args.threshold for hit in hits)
        if expected is None:
            best_other.append(max((hit.match_probability for hit in hits), default=0.0))
            if explained < args.explain and best_other[-1] >= args.threshold:
                explained += 1
                _explain(subject, hits[0], index)
        else:
            best_true.append(
                max((h.match_probability for h in hits if h.entry["id"] == expected), default=0)
            )
            if missed < args.explain and best_true[-1] < args.threshold:
                missed += 1
                _explain_missed(subject, expected, index)
    ms = np.array(latencies) * 1000
    print(
        f"screened {len(subjects):,} people ({half:,} listed, {len(subjects) - half:,} not): "
        f"p50 {np.percentile(ms, 50):.2f} ms, p95 {np.percentile(ms, 95):.2f} ms, "
        f"p99 {np.percentile(ms, 99):.2f} ms, max {ms.max():.1f} ms; "
        f"{candidates / len(subjects):.2f} candidates per person at {args.threshold}"
    )
    print(f"{'threshold':>10}{'recall':>9}{'false-positive rate':>21}")
    for threshold in THRESHOLDS:
        recall = float(np.mean(np.array(best_true) >= threshold))
        false_positive = float(np.mean(np.array(best_other) >= threshold))
        mark = "  (default)" if threshold == DEFAULT_THRESHOLD else ""
        print(f"{threshold:>10}{recall:>9.4f}{false_positive:>21.4f}{mark}")
    if args.baseline:
        true_scores, other_scores, ms_each = rapidfuzz_baseline(rows, subjects)
        print(f"plain rapidfuzz baseline, same list and people ({ms_each:.1f} ms per person):")
        print(f"{'cutoff':>10}{'recall':>9}{'false-positive rate':>21}")
        for cutoff in CUTOFFS:
            recall = float(np.mean(np.array(true_scores) >= cutoff))
            false_positive = float(np.mean(np.array(other_scores) >= cutoff))
            print(f"{cutoff:>10}{recall:>9.4f}{false_positive:>21.4f}")


if __name__ == "__main__":
    main()
