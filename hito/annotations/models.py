from __future__ import annotations

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hito.db import Base
from hito.records import SharedRecord


class Annotation(SharedRecord, Base):
    """A note of this node's users on any record they can see, received ones included.

    Annotations stay on the node that wrote them: no record type of the exchange carries them.
    Their sharing level says who on this node reads them (``national``: the node's country)."""

    __tablename__ = "annotation"
    __table_args__ = (Index("ix_annotation_record", "record_type", "record_uid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    record_type: Mapped[str] = mapped_column(String(40))
    record_uid: Mapped[str] = mapped_column(String(36))
    text: Mapped[str] = mapped_column(Text)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
