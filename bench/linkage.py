"""Linkage of two countries' registries: Hito's model against plain Splink, same data, same run.

    .venv/bin/python bench/linkage.py                      # 1,600,000 × 700,000 (the diasporas)
    .venv/bin/python bench/linkage.py --left 20000 --right 10000
    .venv/bin/python bench/linkage.py --ceiling --methods ""   # only the bound any method meets

Prints Hito's blocking recall (true pairs that any blocking rule brings to scoring) and, for
each method, its decisions at the review band (two thresholds: links at or above the upper,
review between the two): the links' precision, recall and F1, the recall of links and review
together, the size of the review queue, against the generator's ground truth; wall time of the
whole link (preparation, training, prediction, one-to-one) and peak memory of the process
that ran it. Two name profiles (`--profile`): `realistic` (published name frequencies, the
default) and `hard` (small name pools, many namesakes). "Plain Splink" is configured as
Splink's own tutorials do: raw columns,
out-of-the-box name and date-of-birth comparisons, blocking on name and date of birth, u by
random sampling and m by EM. With --ceiling it also prints an upper bound on the F1 any
method could reach on the same data (bench/_ceiling.py).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import machine  # noqa: E402


def generate(directory: Path, left: int, right: int, seed: int, noise: float, profile: str) -> int:
    from hito.identity.synthetic import Noise, registries

    data = registries(left, right, seed=seed, noise=Noise().scaled(noise), profile=profile)
    pq.write_table(pa.Table.from_pylist(data.left), directory / "left.parquet")
    pq.write_table(pa.Table.from_pylist(data.right), directory / "right.parquet")
    truth = sorted(data.truth)
    pq.write_table(
        pa.table({"id_left": [a for a, _ in truth], "id_right": [b for _, b in truth]}),
        directory / "truth.parquet",
    )
    return len(truth)


# DuckDB's share (--memory-limit); the rest of the 6 GB budget is Python and Arrow.
LINK_PRECISION, RECALL_WITH_REVIEW = 0.999, 0.99  # issue 10 §3
MEMORY_LIMIT = os.environ.get("HITO_BENCH_DUCKDB_MEMORY", "3GB")


def run_hito(directory: Path, band: tuple[float, float]) -> pa.Table:
    from hito.identity.linkage import link

    outcome = link(
        pq.read_table(directory / "left.parquet"),
        pq.read_table(directory / "right.parquet"),
        threshold=band[1],
        review_from=band[0],
        one_to_one=True,
        memory_limit=MEMORY_LIMIT,
        progress=lambda step: print(f"  hito: {step}", file=sys.stderr, flush=True),
    )
    print(f"  hito: steps {outcome.timings}", file=sys.stderr)
    return outcome.pairs


def run_plain_splink(directory: Path, band: tuple[float, float]) -> pa.Table:
    import duckdb
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    connection = duckdb.connect()
    api = DuckDBAPI(connection)
    frames = []
    for side in ("left", "right"):
        table = pq.read_table(directory / f"{side}.parquet")
        connection.register(f"{side}_arrow", table)
        # As in the tutorials: columns as delivered, lower-cased, empty strings as nulls.
        connection.execute(
            f"""create table registry_{side} as select id,
                nullif(lower(given_names), '') as first_name,
                nullif(lower(surnames), '') as surname,
                nullif(birth_date, '') as dob,
                nullif(sex, '') as sex,
                nullif(nationality, '') as nationality,
                nullif(document_number, '') as document_number
            from {side}_arrow"""
        ).fetchall()
        frames.append(api.register(f"registry_{side}"))
    settings = SettingsCreator(
        link_type="link_only",
        unique_id_column_name="id",
        comparisons=[
            cl.NameComparison("first_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.ExactMatch("sex"),
            cl.ExactMatch("nationality").configure(term_frequency_adjustments=True),
            cl.LevenshteinAtThresholds("document_number", 2),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("first_name", "surname"),
            block_on("surname", "dob"),
            block_on("first_name", "dob"),
            block_on("document_number"),
        ],
        retain_intermediate_calculation_columns=False,
    )
    linker = Linker(frames, settings, log_level=None)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("first_name", "surname", "dob"), block_on("document_number")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("first_name", "surname")
    )
    predictions = linker.inference.predict(threshold_match_probability=band[0])
    return connection.sql(
        f"select id_l as id_left, id_r as id_right, case when match_probability >= {band[1]} "
        f"then 'link' else 'review' end as decision from {predictions.physical_name}"
    ).to_arrow_table()


def run_blocking(directory: Path) -> None:
    from hito.identity.linkage import blocking_recall

    truth = pq.read_table(directory / "truth.parquet")
    left_ids, right_ids = truth.column("id_left").to_pylist(), truth.column("id_right").to_pylist()
    pairs = list(zip(left_ids, right_ids, strict=True))
    started = time.perf_counter()
    # Counting every pair the rules make materialises their ids: a diagnostic, not part of
    # the link, so it runs without the link's memory limit.
    result = blocking_recall(
        pq.read_table(directory / "left.parquet"), pq.read_table(directory / "right.parquet"), pairs
    )
    print(
        json.dumps(
            {"true_pairs": result.true_pairs, "found": result.found,
             "candidates": result.candidates, "seconds": time.perf_counter() - started}
        )
    )  # fmt: skip


def child(method: str, directory: Path, band: tuple[float, float]) -> None:
    import warnings

    warnings.simplefilter("ignore")
    if method == "blocking":
        run_blocking(directory)
        return
    started = time.perf_counter()
    pairs = (run_hito if method == "hito" else run_plain_splink)(directory, band)
    seconds = time.perf_counter() - started
    truth = pq.read_table(directory / "truth.parquet")
    true = set(
        zip(truth.column("id_left").to_pylist(), truth.column("id_right").to_pylist(), strict=True)
    )
    ids = zip(
        pairs.column("id_left").to_pylist(), pairs.column("id_right").to_pylist(), strict=True
    )
    links, review = set(), set()
    for pair, decision in zip(ids, pairs.column("decision").to_pylist(), strict=True):
        (links if decision == "link" else review).add(pair)
    sweep, calibration, best = [], [], None
    if "match_probability" in pairs.column_names:  # other bands, from the same pairs
        scored = list(zip(
            zip(pairs.column("id_left").to_pylist(), pairs.column("id_right").to_pylist(),
                strict=True),
            pairs.column("match_probability").to_pylist(), pairs.column("decision").to_pylist(),
            strict=True,
        ))  # fmt: skip
        low = band[0]
        for high in (h for h in (0.99, 0.995, 0.998, 0.999) if h > band[1]):
            linked = {p for p, prob, d in scored if prob >= high and d == "link"}
            queued = {p for p, prob, d in scored if low <= prob and p not in linked}
            found, size = len((linked | queued) & true), max(len(true), 1)
            sweep.append({
                "band": [low, high],
                "precision": len(linked & true) / len(linked) if linked else 0.0,
                "recall": len(linked & true) / size,
                "recall_with_review": found / size,
                "review_share": len(queued) / size,
            })  # fmt: skip
        calibration = _calibration(
            [(prob, p in true) for p, prob, _ in scored], (low, 0.5, 0.7, 0.9, band[1], 0.998, 1.0)
        )
        best = best_links(
            np.array([prob for _, prob, _ in scored]),
            np.array([p in true for p, _, _ in scored], dtype=np.int64),
            max(len(true), 1),
        )
    hits = len(links & true)
    precision = hits / len(links) if links else 0.0
    recall = hits / len(true) if true else 0.0
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    print(
        json.dumps(
            {
                "method": method,
                "links": len(links),
                "precision": precision,
                "recall": recall,
                "f1": f1,
                "review": len(review),
                "review_share": len(review) / len(true) if true else 0.0,
                "recall_with_review": len((links | review) & true) / len(true) if true else 0.0,
                "seconds": seconds,
                "peak_gib": peak,
                "sweep": sweep,
                "calibration": calibration,
                "best": best,
            }
        )
    )


def best_links(scores: np.ndarray, truth: np.ndarray, true_pairs: float) -> dict[str, float]:
    """The most links any upper threshold on these scores gives at precision >= 0.999, chosen
    knowing the truth (`truth`: 1 for a true pair). Whatever the lower threshold, the true
    pairs under it must then be in the queue, so 0.99 recall with review needs a queue of at
    least 0.99 minus this recall (of the true pairs), even were it to hold true pairs only;
    `queue` is the queue these scores need for it (all pairs down to where 0.99 is reached,
    NaN if never), `top` the precision of the first 1,000. Every pair above the threshold
    counts as a link: for thresholds of 0.5 or more one-to-one's ranking follows from the
    probabilities, so it is exact there. Recall 0 (threshold NaN) when no threshold reaches
    that precision."""
    order = np.argsort(-scores, kind="stable")
    ranked, hits = scores[order], np.cumsum(truth[order])
    count = np.arange(1, len(ranked) + 1)
    boundary = np.append(ranked[1:] != ranked[:-1], True)  # a threshold falls between scores
    fine = np.nonzero(boundary & (hits >= LINK_PRECISION * count))[0]
    links = int(fine.max()) + 1 if len(fine) else 0
    reach = np.nonzero(hits >= RECALL_WITH_REVIEW * true_pairs)[0]
    return {
        "threshold": float(ranked[links - 1]) if links else float("nan"),
        "recall": float(hits[links - 1] / true_pairs) if links else 0.0,
        "queue": (int(reach.min()) + 1 - links) / true_pairs if len(reach) else float("nan"),
        "top": float(hits[min(999, len(hits) - 1)]) / 1000,
    }


def _calibration(
    scored: list[tuple[float, bool]], edges: tuple[float, ...]
) -> list[dict[str, float]]:
    """Per band of probability: pairs, their mean probability and the share that are true
    pairs. Where the two agree the model is calibrated, and a threshold moved trades links for
    review at the rate the probabilities say."""
    cuts = sorted({e for e in edges if e >= edges[0]})
    bands = []
    for low, high in zip(cuts, cuts[1:], strict=False):
        inside = [(p, good) for p, good in scored if low <= p < high or (high == 1.0 and p == 1.0)]
        if inside:
            bands.append({
                "band": [low, high], "pairs": len(inside),
                "mean": sum(p for p, _ in inside) / len(inside),
                "true": sum(good for _, good in inside) / len(inside),
            })  # fmt: skip
    return bands


def _child(method: str, directory: Path, band: tuple[float, float]) -> dict | None:
    """Run one measurement in a process of its own (so its peak memory is its own)."""
    done = subprocess.run(
        [sys.executable, __file__, "--child", method, "--data", str(directory),
         "--review-band", str(band[0]), str(band[1])],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        print(f"{method}: failed\n{done.stderr[-3000:]}")
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--left", type=int, default=1_600_000)
    parser.add_argument("--right", type=int, default=700_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--review-band",
        type=float,
        nargs=2,
        metavar=("LOW", "HIGH"),
        default=None,
        help="links at or above HIGH, review from LOW (default: Hito's REVIEW_BAND)",
    )
    parser.add_argument(
        "--noise", type=float, default=1.0, help="scale of the registries' variations"
    )
    parser.add_argument("--methods", default="hito,plain-splink")
    parser.add_argument(
        "--profile",
        choices=["hard", "realistic"],
        default="realistic",
        help="name frequencies of the registries (hito.identity.synthetic.Population)",
    )
    parser.add_argument(
        "--ceiling", action="store_true", help="also bound the F1 any method could reach"
    )
    parser.add_argument(
        "--memory-limit",
        default=None,
        help="DuckDB's memory limit for Hito's link (default 3GB; past 25M pairs it scores "
        "in slices, so memory follows the slice)",
    )
    parser.add_argument(
        "--no-blocking",
        dest="blocking",
        action="store_false",
        help="skip measuring the blocking recall",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    from hito.identity.linkage import REVIEW_BAND

    if args.memory_limit:  # children read it from the environment
        os.environ["HITO_BENCH_DUCKDB_MEMORY"] = args.memory_limit

    band = tuple(args.review_band or REVIEW_BAND)
    if args.child:
        child(args.child, args.data, band)
        return
    limit = args.memory_limit or MEMORY_LIMIT
    print(f"machine: {machine()}; DuckDB memory limit for Hito's link {limit}")
    with tempfile.TemporaryDirectory(prefix="hito-bench-") as tmp:
        directory = Path(tmp)
        started = time.perf_counter()
        pairs = generate(directory, args.left, args.right, args.seed, args.noise, args.profile)
        print(
            f"registries ({args.profile} profile): {args.left:,} × {args.right:,} records, "
            f"{pairs:,} true pairs (generated in {time.perf_counter() - started:.0f} s, "
            f"seed {args.seed}, noise ×{args.noise})",
            flush=True,
        )
        if args.ceiling:
            from _ceiling import ceiling

            total, ambiguous, bound = ceiling(directory)
            print(
                f"ceiling: {ambiguous:,} of {total:,} true pairs ({ambiguous / total:.2%}) have "
                f"an unmatched record at least as alike field by field; F1 <= {bound:.4f} "
                f"for any method"
            )
        if args.blocking:
            result = _child("blocking", directory, band)
            if result:
                print(
                    f"Hito's blocking: {result['found']:,} of {result['true_pairs']:,} true pairs "
                    f"become candidates (recall {result['found'] / result['true_pairs']:.4f}), "
                    f"{result['candidates']:,} pairs scored"
                )
        print(
            f"review band {band[0]:g}–{band[1]:g}: links at or above {band[1]:g}, review from "
            f"{band[0]:g}. Targets (realistic profile): links precision >= 0.999, links + review "
            "recall >= 0.99, review <= 5% of the true pairs"
        )
        print(
            f"{'method':<14}{'links prec':>11}{'links rec':>10}{'links F1':>9}"
            f"{'+review rec':>12}{'review':>9}{'of true':>8}{'time':>9}{'peak mem':>10}"
        )
        for method in filter(None, args.methods.split(",")):
            result = _child(method, directory, band)
            if not result:
                continue
            print(
                f"{method:<14}{result['precision']:>11.4f}{result['recall']:>10.4f}"
                f"{result['f1']:>9.4f}{result['recall_with_review']:>12.4f}"
                f"{result['review']:>9,}{result['review_share']:>8.1%}"
                f"{result['seconds']:>8.1f}s{result['peak_gib']:>6.2f} GiB"
            )
            shown = [
                f"{c['band'][0]:g}–{c['band'][1]:g}: {c['mean']:.3f} / {c['true']:.3f}"
                for c in result.get("calibration", [])
            ]
            if shown:
                print(f"  calibration (band: mean probability / share true): {'; '.join(shown)}")
            if result.get("best") and result["best"]["recall"] > 0:
                best = result["best"]
                print(
                    f"  best upper threshold knowing the truth ({best['threshold']:.4f}): links "
                    f"recall {best['recall']:.4f} at precision >= 0.999, so 0.99 with review "
                    f"needs a queue of at least {max(0.0, 0.99 - best['recall']):.1%} of the true "
                    "pairs, true pairs only"
                )
            for other in result.get("sweep", []):
                low, high = other["band"]
                print(
                    f"  band {low:g}–{high:g}{'':<{max(0, 12 - len(f'{low:g}–{high:g}'))}}"
                    f"{other['precision']:>11.4f}{other['recall']:>10.4f}{'':>9}"
                    f"{other['recall_with_review']:>12.4f}{'':>9}{other['review_share']:>8.1%}"
                )


if __name__ == "__main__":
    main()
