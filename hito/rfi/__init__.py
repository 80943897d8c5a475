"""Requests for information between the two countries."""

from hito.rfi.models import AnswerKind, InformationAnswer, InformationRequest, SubjectKind
from hito.rfi.schemas import (
    AnswerCreate,
    Decline,
    RequestCreate,
    RequestFilters,
    RequestPage,
    RequestPublic,
)
from hito.rfi.service import answer, ask, decline, get_request, list_requests, overdue_count

__all__ = [
    "AnswerCreate",
    "AnswerKind",
    "Decline",
    "InformationAnswer",
    "InformationRequest",
    "RequestCreate",
    "RequestFilters",
    "RequestPage",
    "RequestPublic",
    "SubjectKind",
    "answer",
    "ask",
    "decline",
    "get_request",
    "list_requests",
    "overdue_count",
]
