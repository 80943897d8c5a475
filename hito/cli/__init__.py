"""The ``hito`` command: one module per capability, each command a few lines calling a service.

Shared helpers live in ``_common``; heavy imports happen inside the command that needs them, so
that ``hito --help`` stays fast.
"""

from __future__ import annotations

import typer

from hito.cli.agreement import agreement_app
from hito.cli.audit import audit_app
from hito.cli.crossings import crossings_app
from hito.cli.db import db_app
from hito.cli.demo import demo_app
from hito.cli.events import export_app, import_app
from hito.cli.exchange import exchange_app
from hito.cli.humanitarian import humanitarian_app
from hito.cli.identity import identity_app
from hito.cli.node import node_app
from hito.cli.patrols import patrols_app
from hito.cli.report import report_app
from hito.cli.requests import request_app
from hito.cli.serve import serve
from hito.cli.users import user_app

app = typer.Typer(
    help="Hito: binational border cooperation, Chile–Peru.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)
app.command()(serve)
for sub, name in [
    (db_app, "db"),
    (node_app, "node"),
    (agreement_app, "agreement"),
    (exchange_app, "exchange"),
    (audit_app, "audit"),
    (demo_app, "demo"),
    (user_app, "user"),
    (import_app, "import"),
    (export_app, "export"),
    (identity_app, "identity"),
    (request_app, "request"),
    (humanitarian_app, "humanitarian"),
    (patrols_app, "patrols"),
    (crossings_app, "crossings"),
    (report_app, "report"),
]:
    app.add_typer(sub, name=name)

__all__ = ["app"]
