"""This node, its links with the peer, and the sharing agreements, as users see them."""

from __future__ import annotations

from fastapi import APIRouter, Request

from hito import exchange
from hito.exc import NotFound
from hito.exchange.schemas import (
    AgreementDocumentPublic,
    AgreementPublic,
    AgreementText,
    NodePublic,
)
from hito.web.deps import CurrentScope, SessionDep, SettingsDep
from hito.web.problems import documented

router = APIRouter(tags=["node and agreements"])


@router.get("/node", response_model=NodePublic, responses=documented(401))
def node(request: Request, scope: CurrentScope, session: SessionDep) -> NodePublic:
    """This node's code and key fingerprint, and the state of each link: sequence numbers sent,
    acknowledged and received, envelopes waiting, the gap they wait for, the last error."""
    key = request.app.state.node_key
    return exchange.node_status(
        session, node=scope.node, fingerprint=key.fingerprint if key else None
    )


@router.get("/agreements", response_model=list[AgreementPublic], responses=documented(401))
def agreements(scope: CurrentScope, session: SessionDep) -> list[AgreementPublic]:
    """Every version of the sharing agreement this node holds, with its SHA-256 (both nodes
    print the same one for the same text) and whether it is in force."""
    return exchange.agreements_public(session)


@router.get(
    "/agreements/current",
    response_model=AgreementDocumentPublic,
    responses=documented(401, 404),
)
def current_agreement(scope: CurrentScope, session: SessionDep) -> AgreementDocumentPublic:
    """The agreement in force and its whole document. 404: none is, and nothing leaves."""
    found = exchange.current_document(session)
    if found is None:
        raise NotFound("no sharing agreement is in force: nothing leaves this node")
    summary, document = found
    return AgreementDocumentPublic(agreement=summary, document=document)


@router.post(
    "/agreements",
    response_model=AgreementPublic,
    status_code=201,
    responses=documented(400, 401, 403, 409, 413, 422),
)
def load_agreement(
    data: AgreementText, scope: CurrentScope, session: SessionDep, settings: SettingsDep
) -> AgreementPublic:
    """Load a version of the agreement (administrators). Both nodes load the same text."""
    scope.require("admin")
    from hito.exchange.agreements import require_agreement_text

    document = require_agreement_text(data.document)
    agreement, _ = exchange.adopt_agreement(
        session, scope=scope, node=settings.node, document=document
    )
    current = exchange.active_agreement(session)
    return exchange.service.agreement_public(
        agreement, in_force=current is not None and current.sha256 == agreement.sha256
    )
