"""`hito identity link|dedupe|screen|load-alerts|link-persons`, run as a user runs them."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from hito.identity.linkage import REVIEW_BAND
from hito.identity.synthetic import Noise, registries, registry_with_duplicates, write_csv

HITO = [sys.executable, "-m", "hito.cli"]


def hito(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*HITO, "identity", *args],
        capture_output=True,
        text=True,
        check=False,
        env=env or {**os.environ},
    )


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def two_registries(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, set]:
    folder = tmp_path_factory.mktemp("registries")
    data = registries(3000, 1500, seed=5, noise=Noise().scaled(0.5))
    write_csv(folder / "peru.csv", data.left)
    # Chile's file: its own column names, both surnames apart, Latin-1, semicolons
    with (folder / "chile.csv").open("w", newline="", encoding="latin-1") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["rut_o_folio", "nombres", "apellido_paterno", "apellido_materno",
                         "fecha_nac", "sexo", "nacionalidad", "tipo_doc", "num_doc"])  # fmt: skip
        for row in data.right:
            first, _, second = row["surnames"].partition(" ")
            writer.writerow([row["id"], row["given_names"], first, second, row["birth_date"],
                             row["sex"], row["nationality"], row["document_type"],
                             row["document_number"]])  # fmt: skip
    return folder / "peru.csv", folder / "chile.csv", data.truth


CHILE_MAP = (
    "id=rut_o_folio,given_names=nombres,surnames=apellido_paterno+apellido_materno,"
    "birth_date=fecha_nac,sex=sexo,nationality=nacionalidad,document_type=tipo_doc,"
    "document_number=num_doc"
)


def test_link_two_countries_files_with_one_column_map(two_registries, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    peru, chile, truth = two_registries
    out = tmp_path / "pairs.csv"
    done = hito(
        "link", str(peru), str(chile), "--out", str(out), "--map", CHILE_MAP, "--one-to-one"
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    pairs = read(out)
    assert list(pairs[0]) == [
        "id_left", "id_right", "match_probability", "match_weight", "decision"
    ]  # fmt: skip
    low, high = REVIEW_BAND
    for pair in pairs:  # the decision follows the band; nothing below it is written
        probability = float(pair["match_probability"])
        assert probability >= low
        assert pair["decision"] == ("link" if probability >= high else "review")
    links = {(p["id_left"], p["id_right"]) for p in pairs if p["decision"] == "link"}
    review = {(p["id_left"], p["id_right"]) for p in pairs if p["decision"] == "review"}
    precision = len(links & truth) / len(links)
    recall = len(links & truth) / len(truth)
    assert precision > 0.99 and recall > 0.85, (precision, recall)
    # The band holds what the links miss: with it, nearly every true pair is found.
    assert len((links | review) & truth) / len(truth) > 0.95
    assert len(review) < 0.15 * len(truth)
    # One-to-one: no record is linked twice.
    assert len({a for a, _ in links}) == len(links) == len({b for _, b in links})
    model = json.loads((tmp_path / "pairs.csv.model.json").read_text())
    trained_on = model["hito_training_data"]
    assert [t["rows"] for t in trained_on] == [3000, 1500]
    assert trained_on[1]["encoding"] == "latin-1" and len(trained_on[1]["sha256"]) == 64
    assert "preparing" in done.stderr and "training" in done.stderr  # progress shown


def test_review_band_and_threshold_choose_what_is_written(two_registries, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    peru, chile, _ = two_registries
    out = tmp_path / "pairs.csv"
    done = hito("link", str(peru), str(chile), "--out", str(out), "--map", CHILE_MAP,
                "--review-band", "0.1", "0.999")  # fmt: skip
    assert done.returncode == 0, done.stderr
    wide = read(out)
    assert {p["decision"] for p in wide} == {"link", "review"}
    assert all((float(p["match_probability"]) >= 0.999) == (p["decision"] == "link") for p in wide)
    assert "links and" in done.stdout and "pairs to review" in done.stdout
    done = hito("link", str(peru), str(chile), "--out", str(out), "--map", CHILE_MAP,
                "--threshold", "0.5")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert {p["decision"] for p in read(out)} == {"link"}
    for band in (["0.9", "0.5"], ["-0.1", "0.5"], ["0.2", "1.5"]):
        done = hito("link", str(peru), str(chile), "--out", str(tmp_path / "never.csv"),
                    "--map", CHILE_MAP, "--review-band", *band)  # fmt: skip
        assert done.returncode == 2 and "LOW <= HIGH" in done.stderr, band
    done = hito("link", str(peru), str(chile), "--out", str(tmp_path / "never.csv"),
                "--review-band", "0.2", "0.9", "--threshold", "0.5")  # fmt: skip
    assert done.returncode == 2 and "not both" in done.stderr
    assert not (tmp_path / "never.csv").exists()


def test_a_mapped_column_absent_from_a_file_is_named(two_registries, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    peru, chile, _ = two_registries
    done = hito("link", str(peru), str(chile), "--out", str(tmp_path / "p.csv"),
                "--map", "given_names=nombre_completo")  # fmt: skip
    assert done.returncode == 2
    assert "chile.csv: line 1: column 'nombre_completo' (for given_names)" in done.stderr


def test_link_counts_unreadable_values_and_goes_on(tmp_path: Path) -> None:
    data = registries(600, 300, seed=9)
    data.left[0]["birth_date"] = "19xx0230"
    data.left[1]["sex"] = "quizás"
    write_csv(tmp_path / "a.csv", data.left)
    write_csv(tmp_path / "b.csv", data.right)
    done = hito("link", str(tmp_path / "a.csv"), str(tmp_path / "b.csv"), "--out",
                str(tmp_path / "p.csv"), "--threshold", "0.9")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "unreadable values treated as missing: 1 birth_date, 1 sex" in done.stderr
    assert all(float(p["match_probability"]) >= 0.9 for p in read(tmp_path / "p.csv"))


def test_extra_columns_are_compared(tmp_path: Path) -> None:
    data = registries(400, 200, seed=4)
    for row in data.left + data.right:
        row["city"] = "Arica"
    for name, rows in (("a.csv", data.left), ("b.csv", data.right)):
        with (tmp_path / name).open("w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    done = hito("link", str(tmp_path / "a.csv"), str(tmp_path / "b.csv"),
                "--out", str(tmp_path / "p.csv"), "--extra", "city")  # fmt: skip
    assert done.returncode == 0, done.stderr
    model = json.loads((tmp_path / "p.csv.model.json").read_text())
    assert "x_city" in [c["output_column_name"] for c in model["comparisons"]]
    bad = hito("link", str(tmp_path / "a.csv"), str(tmp_path / "b.csv"),
               "--out", str(tmp_path / "p.csv"), "--extra", "barrio")  # fmt: skip
    assert bad.returncode == 2 and "extra column 'barrio' is not in the file" in bad.stderr


def test_bad_threshold_and_unusable_file_change_nothing(tmp_path: Path) -> None:
    write_csv(tmp_path / "a.csv", registries(50, 20).left)
    (tmp_path / "dup.csv").write_text("id,given_names\n1,Ana\n1,Eva\n", encoding="utf-8")
    out = tmp_path / "never.csv"
    done = hito("link", str(tmp_path / "a.csv"), str(tmp_path / "dup.csv"), "--out", str(out))
    assert done.returncode == 2 and "dup.csv: line 3: id '1' already used on line 2" in done.stderr
    done = hito("link", str(tmp_path / "a.csv"), str(tmp_path / "a.csv"), "--out", str(out),
                "--threshold", "1.5")  # fmt: skip
    assert done.returncode == 2 and "between 0 and 1" in done.stderr
    assert not out.exists()


def test_dedupe_groups_the_same_person(tmp_path: Path) -> None:
    rows, truth = registry_with_duplicates(2000, seed=13)
    write_csv(tmp_path / "people.csv", rows)
    out = tmp_path / "clusters.csv"
    done = hito("dedupe", str(tmp_path / "people.csv"), "--out", str(out))
    assert done.returncode == 0, done.stderr
    clusters = {r["id"]: r["cluster_id"] for r in read(out)}
    assert set(clusters) == set(truth)
    ids = sorted(truth)
    same = {(a, b) for a in ids for b in ids if a < b and truth[a] == truth[b]}
    found = {(a, b) for a in ids for b in ids if a < b and clusters[a] == clusters[b]}
    precision = len(same & found) / len(found)
    recall = len(same & found) / len(same)
    assert precision > 0.95 and recall > 0.9, (precision, recall)


def test_screen_a_file_against_a_watchlist(tmp_path: Path) -> None:
    data = registries(300, 300, seed=8, overlap=0.1)
    watchlist = [{**r, "kind": "wanted_person", "reference": f"REF-{r['id']}"} for r in data.left]
    with (tmp_path / "list.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(watchlist[0]))
        writer.writeheader()
        writer.writerows(watchlist)
    write_csv(tmp_path / "people.csv", data.right)
    out = tmp_path / "hits.csv"
    done = hito("screen", str(tmp_path / "people.csv"), "--watchlist", str(tmp_path / "list.csv"),
                "--out", str(out))  # fmt: skip
    assert done.returncode == 0, done.stderr
    hits = read(out)
    assert list(hits[0])[:5] == ["id", "entry_id", "match_probability", "match_weight", "reason"]
    found = {(h["entry_id"], h["id"]) for h in hits}
    assert len(found & data.truth) >= 0.95 * len(data.truth)
    assert len({h["id"] for h in hits}) <= len(data.truth) + 10  # few people flagged wrongly


def test_load_alerts_and_link_persons_on_the_node(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "HITO_DATABASE_URL": f"sqlite:///{tmp_path / 'node.db'}",
        "HITO_DEMO": "0",
        "HITO_SECRET_KEY": "cli-test-secret-0123456789",
    }
    assert subprocess.run([*HITO, "db", "upgrade"], env=env, check=False).returncode == 0
    (tmp_path / "wanted.csv").write_text(
        "id,given_names,surnames,birth_date,document_number,reference\n"
        "1,Yorman,Briceño,1988-06-02,V-17.222.333,OA-118\n",
        encoding="utf-8",
    )
    done = hito("load-alerts", str(tmp_path / "wanted.csv"), "--list", "PDI", "--agency",
                "CL-PDI", env=env)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "1 entries loaded into list 'PDI'" in done.stdout
    (tmp_path / "stolen.csv").write_text("id,given_names\n1,Ana\n", encoding="utf-8")
    done = hito("load-alerts", str(tmp_path / "stolen.csv"), "--list", "Robados", "--kind",
                "stolen_document", env=env)  # fmt: skip
    assert done.returncode == 1 and "row 1: a stolen_document entry needs a document" in done.stderr
    done = hito("link-persons", env=env)
    assert done.returncode == 1 and "at least two person encounters" in done.stderr
