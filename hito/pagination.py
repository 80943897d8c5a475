"""Keyset pages over records listed newest first by id: the cursor is the last id given out."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import Session

from hito.exc import InvalidInput


def by_id_chunks(session: Session, query: Select[Any], *, size: int) -> Iterator[list[Any]]:
    """The records of ``query`` (one entity with an ``id``) in ascending chunks of ``size``,
    each read by keyset: memory stays flat however many there are."""
    model = query.column_descriptions[0]["entity"]
    last = 0
    while True:
        rows = list(session.scalars(query.where(model.id > last).order_by(model.id).limit(size)))
        if not rows:
            return
        yield rows
        last = rows[-1].id


def id_page(
    session: Session, query: Select[Any], id_column: Any, *, limit: int, cursor: str | None
) -> tuple[Sequence[Any], str | None]:
    """One page of `query` by descending `id_column`, and the cursor of the next (or None)."""
    if cursor:
        if not cursor.isdigit() or len(cursor) > 18:
            raise InvalidInput("cursor is not one this server gave out")
        query = query.where(id_column < int(cursor))
    rows = list(session.scalars(query.order_by(id_column.desc()).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (str(rows[-1].id) if more else None)
