"""`hito request …`: requests for information to and from the other country."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from hito.cli._common import agency_scope, fail, sessions, settings

if TYPE_CHECKING:
    from collections.abc import Callable

    from sqlalchemy.orm import Session

    from hito.auth import Scope
    from hito.rfi import RequestPublic

request_app = typer.Typer(
    help="Requests for information to and from the other country.", no_args_is_help=True
)
AgencyOption = Annotated[
    str | None, typer.Option(help="Acting agency (default: the node's migration service)")
]


def _line(request: RequestPublic) -> str:
    subject = ", ".join(
        f"{k}={v}" for k, v in request.subject.model_dump(exclude_none=True).items()
    )
    arrow = f"{request.origin_node}→{request.target_node}"
    return (
        f"#{request.id:<5} {arrow}  {request.state:<9} due {request.deadline:%Y-%m-%d %H:%M}Z  "
        f"{request.subject_kind.value}: {subject}"
    )


def _run(agency: str | None, action: Callable[[Session, Scope], None]) -> None:
    from hito.db import session_scope
    from hito.exc import HitoError

    node = settings()
    try:
        with session_scope(sessions(node)) as session:
            action(session, agency_scope(session, node, agency))
    except HitoError as error:
        fail(error.detail)


@request_app.command("list")
def list_requests(
    box: Annotated[str, typer.Option(help="inbox, outbox or all")] = "all",
    state: Annotated[str | None, typer.Option(help="open, overdue, answered, declined")] = None,
    agency: AgencyOption = None,
) -> None:
    """Requests sent and received, newest first, with their state."""
    from pydantic import ValidationError

    from hito.rfi import RequestFilters, list_requests

    try:
        filters = RequestFilters.model_validate({"box": box, "state": state, "limit": 500})
    except ValidationError as error:
        fail(str(error.errors()[0]["msg"]), 2)

    def action(session: Session, scope: Scope) -> None:
        page = list_requests(session, scope=scope, filters=filters)
        for request in page.items:
            typer.echo(_line(request))
        if not page.items:
            typer.echo("no requests")

    _run(agency, action)


@request_app.command("answer")
def answer(
    request_id: int,
    text: Annotated[str, typer.Option(help="The answer")],
    record: Annotated[
        list[str] | None, typer.Option(help="A record that answers it, as TYPE:UID (repeatable)")
    ] = None,
    agency: AgencyOption = None,
) -> None:
    """Answer a received request with this node's records the agreement lets go."""
    from pydantic import ValidationError

    from hito.rfi import AnswerCreate
    from hito.rfi import answer as respond

    refs = []
    for item in record or []:
        kind, _, uid = item.partition(":")
        refs.append({"type": kind, "uid": uid})
    try:
        data = AnswerCreate.model_validate({"text": text, "records": refs})
    except ValidationError as error:
        fail(str(error.errors()[0]["msg"]), 2)

    def action(session: Session, scope: Scope) -> None:
        done = respond(session, scope=scope, request_id=request_id, data=data)
        typer.echo(_line(done))

    _run(agency, action)


@request_app.command("decline")
def decline(
    request_id: int,
    reason: Annotated[str, typer.Option(help="Why it is declined")],
    agency: AgencyOption = None,
) -> None:
    """Decline a received request, with the reason."""
    from pydantic import ValidationError

    from hito.rfi import Decline
    from hito.rfi import decline as refuse

    try:
        data = Decline.model_validate({"reason": reason})
    except ValidationError as error:
        fail(str(error.errors()[0]["msg"]), 2)

    def action(session: Session, scope: Scope) -> None:
        done = refuse(session, scope=scope, request_id=request_id, data=data)
        typer.echo(_line(done))

    _run(agency, action)
