"""`hito identity …`: document checks, linkage and screening of users' own files."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from hito.cli._common import agency_scope, fail, say, sessions, settings
from hito.identity.prepare import STANDARD_COLUMNS

if TYPE_CHECKING:
    import pyarrow as pa

    from hito.identity.files import PersonFile

_STANDARD_SET = frozenset(STANDARD_COLUMNS)

identity_app = typer.Typer(
    help="Immigration verification: documents, linkage, screening.", no_args_is_help=True
)

DOCUMENT_TYPES = "cl-run, pe-dni, pe-ce, ve-cedula, co-cedula, passport, mrz, other"


@identity_app.command("check-doc")
def check_doc(
    doc_type: Annotated[str, typer.Argument(metavar="TYPE", help=DOCUMENT_TYPES)],
    value: Annotated[str, typer.Argument(help="The number as written")],
) -> None:
    """Check a document number: exit 0 and print the normalised value, or exit 1 and the reason."""
    from hito.identity.documents import check_document
    from hito.people.models import DocumentType

    if doc_type not in {t.value for t in DocumentType}:
        typer.secho(f"error: unknown document type {doc_type!r}; one of {DOCUMENT_TYPES}", err=True)
        raise typer.Exit(2)
    check = check_document(doc_type, value)
    if check.valid:
        typer.echo(check.normalized)
        return
    typer.secho(f"invalid {doc_type}: {check.reason}", fg=typer.colors.RED, err=True)
    raise typer.Exit(1)


@identity_app.command("parse-mrz")
def parse_mrz() -> None:
    """Read the two or three MRZ lines from stdin and print what they say as JSON.
    Exit 1 when a check digit fails (still printing what was read and which check failed)."""
    from hito.identity.documents import MrzError, mrz

    text = sys.stdin.read()
    try:
        reading = mrz.parse(text)
    except MrzError as error:
        typer.secho(f"error: {error}", fg=typer.colors.RED, err=True)
        raise typer.Exit(1) from None
    typer.echo(json.dumps(reading.to_dict(), ensure_ascii=False, indent=2))
    for check in reading.failed:
        typer.secho(
            f"{check.field} check digit is {check.found}, expected {check.expected}",
            fg=typer.colors.RED,
            err=True,
        )
    for problem in reading.problems:
        typer.secho(problem, fg=typer.colors.RED, err=True)
    if not reading.valid:
        raise typer.Exit(1)


MAP_HELP = (
    "Rename the file's columns to the standard ones, e.g. "
    "given_names=first_name,surnames=paternal_surname+maternal_surname"
)

MapOption = Annotated[str | None, typer.Option("--map", help=MAP_HELP)]
ExtraOption = Annotated[str | None, typer.Option(help="More columns to compare as text: a,b")]
EncodingOption = Annotated[str, typer.Option(help="auto (UTF-8, else Latin-1), or a codec")]


def _read(path: Path, mapping: str | None, extra: str | None, encoding: str) -> PersonFile:
    from hito.identity.files import FileError, parse_extra, parse_map, read_person_file

    try:
        return read_person_file(
            path, mapping=parse_map(mapping), extra=parse_extra(extra), encoding=encoding
        )
    except FileError as error:
        typer.secho(f"error: {error}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from None


def _summary(files: list[PersonFile], unreadable: dict[str, int]) -> None:
    for person_file in files:
        missing = ", ".join(person_file.missing_columns) or "none"
        say(
            f"{person_file.path.name}: {person_file.rows:,} records ({person_file.encoding}); "
            f"columns absent: {missing}"
        )
    counted = {column: n for column, n in unreadable.items() if n}
    if counted:
        detail = ", ".join(f"{n:,} {column}" for column, n in counted.items())
        say(f"unreadable values treated as missing: {detail}")


def _threshold(value: float) -> float:
    if not 0.0 <= value <= 1.0:
        raise typer.BadParameter("a probability between 0 and 1")
    return value


def _save_model(out: Path, model_json: dict[str, object], files: list[PersonFile]) -> Path:
    path = out.with_name(out.name + ".model.json")
    model = dict(model_json)
    model["hito_training_data"] = [f.describe() for f in files]
    path.write_text(json.dumps(model, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def _band(value: tuple[float, float] | None) -> tuple[float, float] | None:
    if value is None:
        return None
    low, high = value
    if not 0.0 <= low <= high <= 1.0:
        raise typer.BadParameter("need 0 <= LOW <= HIGH <= 1")
    return low, high


ReviewBandOption = Annotated[
    tuple[float, float] | None,
    typer.Option(
        callback=_band,
        metavar="LOW HIGH",
        help="Pairs at or above HIGH are links, from LOW up to HIGH go to review, below LOW "
        "are not written [default: 0.30 0.98]",
    ),
]


@identity_app.command("link")
def link(
    left: Annotated[Path, typer.Argument(help="First file (CSV)")],
    right: Annotated[Path, typer.Argument(help="Second file (CSV)")],
    out: Annotated[Path, typer.Option("--out", help="Pairs found (CSV)")],
    review_band: ReviewBandOption = None,
    threshold: Annotated[
        float | None,
        typer.Option(
            callback=lambda v: None if v is None else _threshold(v),
            help="Instead of a review band: write only links, at or above this probability",
        ),
    ] = None,
    column_map: MapOption = None,
    extra: ExtraOption = None,
    encoding: EncodingOption = "auto",
    one_to_one: Annotated[
        bool,
        typer.Option(
            help="Each record links to at most one of the other file; a pair's probability "
            "then weighs every candidate of both its records"
        ),
    ] = False,
) -> None:
    """Find the records of LEFT and RIGHT that are the same person.

    Standard columns: id, given_names, surnames, birth_date, sex, nationality, document_type,
    document_number. Writes id_left, id_right, match_probability, match_weight, decision
    (`link` at or above the review band, `review` within it; pairs below are not written),
    and the trained model beside it (OUT.model.json, with the fingerprints of the files it
    was trained on)."""
    from hito.identity.linkage import REVIEW_BAND
    from hito.identity.linkage import link as link_files

    if threshold is not None and review_band is not None:
        raise typer.BadParameter("give --review-band or --threshold, not both")
    low, high = review_band or REVIEW_BAND
    if threshold is not None:
        low = high = threshold
    files = [_read(path, column_map, extra, encoding) for path in (left, right)]
    outcome = link_files(
        files[0].table,
        files[1].table,
        threshold=high,
        review_from=low if low < high else None,
        extra=tuple(c for c in files[0].table.column_names if c not in _STANDARD_SET),
        progress=lambda step: say(f"{step}…"),
        one_to_one=one_to_one,
    )
    _write_pairs(out, outcome.pairs)
    model_path = _save_model(out, outcome.model_json, files)
    _summary(files, outcome.unreadable)
    decisions = outcome.pairs.column("decision").to_pylist()
    links = decisions.count("link")
    typer.echo(
        f"{links:,} links and {len(decisions) - links:,} pairs to review → {out} "
        f"(model: {model_path.name})"
    )


@identity_app.command("dedupe")
def dedupe(
    file: Annotated[Path, typer.Argument(help="File of person records (CSV)")],
    out: Annotated[Path, typer.Option("--out", help="id, cluster_id (CSV)")],
    threshold: Annotated[
        float, typer.Option(callback=_threshold, help="Match probability that joins records")
    ] = 0.5,
    column_map: MapOption = None,
    extra: ExtraOption = None,
    encoding: EncodingOption = "auto",
) -> None:
    """Group the records of FILE that are the same person: writes id, cluster_id."""
    from hito.identity.linkage import dedupe as dedupe_file

    person_file = _read(file, column_map, extra, encoding)
    outcome = dedupe_file(
        person_file.table,
        threshold=threshold,
        extra=tuple(c for c in person_file.table.column_names if c not in _STANDARD_SET),
        progress=lambda step: say(f"{step}…"),
    )
    assert outcome.clusters is not None
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "cluster_id"])
        ids = outcome.clusters.column("id").to_pylist()
        clusters = outcome.clusters.column("cluster_id").to_pylist()
        writer.writerows(zip(ids, clusters, strict=True))
    model_path = _save_model(out, outcome.model_json, [person_file])
    _summary([person_file], outcome.unreadable)
    people = len(set(outcome.clusters.column("cluster_id").to_pylist()))
    typer.echo(
        f"{person_file.rows:,} records → {people:,} persons → {out} (model: {model_path.name})"
    )


def _write_pairs(out: Path, pairs: pa.Table) -> None:
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id_left", "id_right", "match_probability", "match_weight", "decision"])
        for row in pairs.to_pylist():
            writer.writerow(
                [
                    row["id_left"],
                    row["id_right"],
                    f"{row['match_probability']:.6f}",
                    f"{row['match_weight']:.3f}",
                    row["decision"],
                ]
            )


@identity_app.command("screen")
def screen(
    people: Annotated[Path, typer.Argument(help="People to screen (CSV)")],
    watchlist: Annotated[Path, typer.Option(help="Alert list (CSV), same columns")],
    out: Annotated[Path, typer.Option("--out", help="Hits found (CSV)")],
    threshold: Annotated[
        float | None,
        typer.Option(
            callback=lambda v: None if v is None else _threshold(v),
            help="Lowest match probability written [default: the screening's, 0.5]",
        ),
    ] = None,
    column_map: MapOption = None,
    encoding: EncodingOption = "auto",
) -> None:
    """Screen PEOPLE against an alert list: writes id, entry_id, match_probability, match_weight,
    reason, agreed and disagreed fields. The list may have `kind` (wanted_person,
    stolen_document, lost_document) and `reference` columns; documents on a stolen or lost list
    are a hit by number."""
    from hito.identity.screening import DEFAULT_THRESHOLD, AlertIndex

    threshold = DEFAULT_THRESHOLD if threshold is None else threshold

    person_file = _read(people, column_map, None, encoding)
    list_file = _read(
        watchlist, column_map, "kind,reference" if _has_kind(watchlist) else None, encoding
    )
    say(f"indexing {list_file.rows:,} list entries…")
    index = AlertIndex.build(list_file.table)
    say(f"screening {person_file.rows:,} people…")
    hits = 0
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["id", "entry_id", "match_probability", "match_weight", "reason", "agrees", "disagrees"]
        )
        for subject, candidates in index.screen(person_file.table, threshold=threshold):
            for candidate in candidates:
                hits += 1
                writer.writerow(
                    [
                        subject["id"],
                        candidate.entry["id"],
                        f"{candidate.match_probability:.6f}",
                        f"{candidate.weight:.2f}",
                        candidate.reason,
                        "; ".join(f.level for f in candidate.fields if f.agrees),
                        "; ".join(f.level for f in candidate.fields if f.agrees is False),
                    ]
                )
    _summary([person_file, list_file], {})
    typer.echo(f"{hits:,} hits → {out}")


def _has_kind(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            header = handle.readline().decode("utf-8", "replace")
    except OSError:
        return False
    names = {n.strip().strip('"') for n in header.replace(";", ",").split(",")}
    return {"kind", "reference"} <= names


@identity_app.command("load-alerts")
def load_alerts(
    file: Annotated[Path, typer.Argument(help="Alert list (CSV, standard columns)")],
    list_name: Annotated[str, typer.Option("--list", help="Name of the list, e.g. PDI-requeridos")],
    kind: Annotated[str, typer.Option(help="wanted_person, stolen_document or lost_document")] = (
        "wanted_person"
    ),
    sharing: Annotated[str, typer.Option(help="national, binational or humanitarian")] = "national",
    replace: Annotated[bool, typer.Option(help="Replace this node's list of that name")] = False,
    agency: Annotated[str | None, typer.Option(help="Agency code loading the list")] = None,
    column_map: MapOption = None,
    encoding: EncodingOption = "auto",
) -> None:
    """Load an alert list into this node's database (all or nothing)."""
    from hito.exc import HitoError
    from hito.identity import load_alerts as load
    from hito.identity.models import AlertKind
    from hito.records import SharingLevel

    if kind not in AlertKind.__members__:
        fail(f"--kind must be one of {', '.join(AlertKind)}", 2)
    if sharing not in SharingLevel.__members__:
        fail(f"--sharing must be one of {', '.join(SharingLevel)}", 2)
    list_file = _read(file, column_map, "kind,reference" if _has_kind(file) else None, encoding)
    node = settings()
    with sessions(node)() as session:
        try:
            count = load(
                session,
                scope=agency_scope(session, node, agency),
                table=list_file.table,
                list_name=list_name,
                kind=AlertKind(kind),
                sharing_level=SharingLevel(sharing),
                replace=replace,
            )
            session.commit()
        except HitoError as error:
            session.rollback()
            fail(f"{file.name}: {error}")
    typer.echo(f"{count:,} entries loaded into list {list_name!r}")


@identity_app.command("link-persons")
def link_persons(review_band: ReviewBandOption = None) -> None:
    """Train the linkage model on this node's person encounters, group them into identities
    and queue the uncertain pairs for review (reviewers' decisions are kept)."""
    from hito.auth import unrestricted
    from hito.humanitarian import follow_identities, linkage_disagreements
    from hito.identity import link_persons as run

    node = settings()
    with sessions(node)() as session:
        scope = unrestricted(node.node)
        summary = run(
            session, scope=scope, progress=lambda s: say(f"{s}…"), review_band=review_band
        )
        # Humanitarian cases follow the identities found: merged where one person had two,
        # and recorded where the run no longer agrees that a case is one person.
        merges = follow_identities(session, scope=scope)
        disagreements = linkage_disagreements(session, scope=scope)
        session.commit()
    typer.echo(
        f"model {summary['model_id']}: {summary['persons']:,} encounters → "
        f"{summary['identities']:,} identities ({summary['merged']} merged, {summary['split']} "
        f"split, every other id kept); {summary['queued_for_review']:,} pairs to review"
    )
    if merges or disagreements:
        typer.echo(
            f"humanitarian cases: {len(merges)} merged, {len(disagreements)} the run would "
            "split (kept whole, recorded for a caseworker)"
        )
