"""`hito humanitarian …`: the caseworker's queue, the priority rules, the aggregate export."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from hito.cli._common import agency_scope, fail, read_document, say, sessions, settings

humanitarian_app = typer.Typer(
    help="The humanitarian plan: queue, priority rules, exports.", no_args_is_help=True
)
rules_app = typer.Typer(help="Priority rules kept as data.", no_args_is_help=True)
humanitarian_app.add_typer(rules_app, name="rules")

AgencyOption = Annotated[
    str,
    typer.Option(
        "--agency",
        help="Act for this agency (its users' view: reasons only for humanitarian agencies)",
    ),
]


@humanitarian_app.command("queue")
def queue(
    agency: AgencyOption = "INT-OIM",
    priority: Annotated[str | None, typer.Option(help="critical, high, medium or low")] = None,
    need: Annotated[str | None, typer.Option(help="medical, maternal, child_protection…")] = None,
    sector: Annotated[str | None, typer.Option(help="Sector code, e.g. S2-CHACALLUTA")] = None,
    limit: Annotated[int, typer.Option(min=1, max=500)] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="The page as JSON")] = False,
) -> None:
    """Open cases, most urgent first: priority, then the longest waiting."""
    from pydantic import ValidationError

    from hito.db import session_scope
    from hito.humanitarian import queue as service
    from hito.humanitarian.schemas import QueueFilters

    node = settings()
    try:
        filters = QueueFilters(priority=priority, need=need, sector=sector, limit=limit)
    except ValidationError as error:
        fail("; ".join(f"--{e['loc'][0]}: {e['msg']}" for e in error.errors()), 2)
    with session_scope(sessions(node)) as session:
        page = service(session, scope=agency_scope(session, node, agency), filters=filters)
    if as_json:
        typer.echo(page.model_dump_json(indent=2))
        return
    if not page.items:
        say("no open case matches")
        return
    for case in page.items:
        reasons = "; ".join(r.es for r in case.reasons) or "(motivos reservados)"
        typer.echo(
            f"{case.id:>7}  {case.priority.value:<8} {case.waiting_hours:>7.1f} h  "
            f"{case.sector or '-':<16} {','.join(n.value for n in case.needs) or '-':<24} {reasons}"
        )


@rules_app.command("show")
def rules_show(
    as_json: Annotated[bool, typer.Option("--json", help="The whole document, as JSON")] = False,
) -> None:
    """The rules in force: version, and each rule with its conditions and reason."""
    from hito.auth.scoping import unscoped
    from hito.humanitarian import current_rules

    node = settings()
    with sessions(node)() as session, unscoped(session):
        rules = current_rules(session)
    document = rules.document
    if as_json:
        typer.echo(json.dumps(document.model_dump(mode="json"), ensure_ascii=False, indent=2))
        return
    typer.echo(f"version {document.version}: {document.title}")
    for rule in document.rules:
        when = ", ".join(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in rule.when.items())
        need = rule.need.value if rule.need else "-"
        typer.echo(
            f"  {rule.priority.value:<8} {rule.code:<28} {need:<18} {when}  «{rule.reason.es}»"
        )
    for escalation in document.escalations:
        typer.echo(
            f"  {escalation.to.value:<8} when at least {escalation.at_least} rules "
            f"{escalation.of.value}  «{escalation.reason.es}»"
        )
    typer.echo(f"  {document.default.priority.value:<8} otherwise  «{document.default.reason.es}»")


@rules_app.command("example")
def rules_example() -> None:
    """Print the rules Hito ships with (YAML, commented): a sound starting point."""
    from hito.humanitarian import default_rules_text

    typer.echo(default_rules_text(), nl=False)


@rules_app.command("load")
def rules_load(
    file: Annotated[Path, typer.Argument(help="The rules, YAML or JSON")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Only show which open cases would change")
    ] = False,
    agency: AgencyOption = "INT-OIM",
) -> None:
    """Check and load a new version of the rules; every open case is decided again."""
    from hito.db import session_scope
    from hito.exc import HitoError
    from hito.humanitarian import load_rules, parse_rule_set

    node = settings()
    document = read_document(file, parse_rule_set, refused="the rules were not loaded")
    say(f"deciding every open case again under version {document.version}…")
    try:
        with session_scope(sessions(node)) as session:
            scope = agency_scope(session, node, agency)
            report = load_rules(session, scope=scope, document=document, dry_run=dry_run)
            # A dry run writes nothing but the audit of the details it read.
    except HitoError as error:
        fail(error.detail)
    if not scope.sees_protection:
        report.changes = []  # which cases change says something of their details
    for change in report.changes[:50]:
        typer.echo(f"  case {change.case_id}: {change.previous.value} → {change.priority.value}")
    if len(report.changes) > 50:
        typer.echo(f"  … and {len(report.changes) - 50} more")
    verb = "would change" if dry_run else "changed"
    state = (
        "dry run, nothing written" if dry_run else ("loaded" if report.loaded else "already loaded")
    )
    typer.echo(
        f"version {report.version} ({state}): {report.open_cases} open cases decided, "
        f"{len(report.changes)} {verb}, in {report.seconds:.1f} s"
    )
    typer.echo(f"sha256 {report.sha256}")


@humanitarian_app.command("export")
def export(
    out: Annotated[Path, typer.Option("--out", help="The file to write")],
    fmt: Annotated[str, typer.Option("--format", help="hxl or csv")] = "hxl",
    agency: AgencyOption = "INT-OIM",
) -> None:
    """People in need and reached, by side, sector, sex and age group (small cells hidden)."""
    from hito.db import session_scope
    from hito.humanitarian.export import aggregates, write

    if fmt not in ("hxl", "csv"):
        fail(f"unknown format {fmt!r}: hxl or csv", 2)
    node = settings()
    with session_scope(sessions(node)) as session:
        agency_scope(session, node, agency)
        rows = aggregates(session)
    partial = out.with_name(out.name + ".partial")
    with partial.open("w", encoding="utf-8", newline="") as handle:
        count = write(rows, handle, fmt=fmt)
    partial.replace(out)  # never a half-written file under the final name
    say(f"{count} rows written to {out} (cells under 5 people left empty)")


@humanitarian_app.command("escalate")
def escalate() -> None:
    """Escalate referrals past their deadline and release expired bed holds now (`hito serve`
    does it every HITO_FOLLOW_UP_INTERVAL seconds)."""
    from hito.humanitarian.follow_up import follow_up

    node = settings()
    escalated = follow_up(sessions(node), node=node.node)
    typer.echo(f"{len(escalated)} referral(s) escalated")
