"""Alert screening against a 1,000,000-entry list: latency per person, recall, false positives.

    .venv/bin/python bench/screening.py
    .venv/bin/python bench/screening.py --entries 100000 --people 2000

The list holds wanted persons and stolen documents drawn from the synthetic population; the
people screened are, half of them, listed persons (or holders of a listed document) written down
again by another officer, with the variations of bench/linkage.py, and half people who are on no
list. Latency is per person, through the same call the API makes (preparation, lookup, scoring),
after the index is built.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import machine  # noqa: E402

from hito.identity.screening import DEFAULT_THRESHOLD  # noqa: E402

THRESHOLDS = (0.5, 0.2, 0.1, 0.05, 0.02)


def _rss_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--people", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    args = parser.parse_args()

    from hito.identity.screening import AlertIndex
    from hito.identity.synthetic import Noise, Population, record

    print(f"machine: {machine()}")
    started = time.perf_counter()
    population = Population(args.seed)
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
            # the holder of the stolen document, names as written today, same number
            subject["document_number"] = rows[int(i)]["document_number"]
        subjects.append((subject, f"A{int(i):07d}"))
    strangers = Population(args.seed + 1000).people(args.people - half)
    subjects += [(record(rng, p, Noise(), f"O{k}"), None) for k, p in enumerate(strangers)]

    latencies, best_true, best_other, candidates = [], [], [], 0
    lowest = min(THRESHOLDS)
    for subject, expected in subjects:
        started = time.perf_counter()
        hits = index.screen_record(subject, threshold=lowest)
        latencies.append(time.perf_counter() - started)
        candidates += sum(hit.match_probability >= args.threshold for hit in hits)
        if expected is None:
            best_other.append(max((hit.match_probability for hit in hits), default=0.0))
        else:
            best_true.append(
                max((h.match_probability for h in hits if h.entry["id"] == expected), default=0)
            )
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


if __name__ == "__main__":
    main()
