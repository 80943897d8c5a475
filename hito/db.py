"""Engine and session factory: SQLite (embedded default) or PostgreSQL, chosen by URL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import (
    BigInteger,
    DateTime,
    Dialect,
    Engine,
    MetaData,
    Table,
    create_engine,
    event,
    func,
    select,
    text,
)
from sqlalchemy.engine import make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator, TypeEngine

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICROSECOND = dt.timedelta(microseconds=1)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Timezone-aware datetimes in UTC on every backend.

    PostgreSQL stores ``timestamptz``. SQLite, which has no datetime type, stores microseconds
    since the Unix epoch as an integer: exact, ordered, and its indexes are far smaller and
    faster than ISO text ones.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(BigInteger())
        return dialect.type_descriptor(DateTime(timezone=True))

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: Hito stores timezone-aware times only")
        if dialect.name == "sqlite":
            return (value - EPOCH) // _MICROSECOND
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if isinstance(value, int):
            return EPOCH + value * _MICROSECOND
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.isolation_level = None  # SQLAlchemy's "begin" event emits BEGIN itself
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA cache_size=-32768")  # 32 MiB: index pages of big tables stay hot
    cursor.close()


def make_engine(url: str) -> Engine:
    """Create the engine for ``url``; for SQLite, create its folder and turn on WAL and FKs."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        # Take the write lock at BEGIN: a deferred transaction that reads, then writes,
        # fails with SQLITE_BUSY when another connection committed in between.
        event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN IMMEDIATE"))
        return engine
    return create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """Sessions of this engine, with the listeners every Hito session has: the caller's scope
    applied to every query of a shared record, and the outbox written at flush."""
    from hito.audit.reads import install as install_read_audit
    from hito.auth.scoping import install as install_scoping
    from hito.exchange.outbox import install as install_outbox

    install_scoping()
    install_read_audit()
    install_outbox()
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A unit of work: commit on success, roll back on any error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def allocate_ids(session: Session, table: Table, count: int) -> list[int]:
    """Reserve ``count`` primary keys of ``table`` for a bulk insert without RETURNING.

    PostgreSQL draws them from the table's sequence; SQLite continues from max(id), which is safe
    because every SQLite transaction here holds the write lock from its start (BEGIN IMMEDIATE).
    """
    if count <= 0:
        return []
    if session.get_bind().dialect.name == "postgresql":
        query = text(
            "SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)"
        )
        return list(session.scalars(query, {"table": table.name, "n": count}))
    start = session.scalar(select(func.coalesce(func.max(table.c.id), 0))) or 0
    return list(range(start + 1, start + 1 + count))


def bulk_insert(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """INSERT ``rows`` (all with the same keys): COPY on PostgreSQL, one executemany elsewhere.

    Values go through each column type's own bind processor, as SQLAlchemy would apply them;
    what this skips is SQLAlchemy's per-row parameter assembly, most of a large batch's cost.
    """
    if rows:
        bulk_insert_columns(session, table, {name: [row[name] for row in rows] for name in rows[0]})


def bulk_insert_columns(
    session: Session, table: Table, columns: Mapping[str, Sequence[Any]]
) -> None:
    """:func:`bulk_insert` from values given column by column (all of one length), as a
    generator of many rows holds them. Each distinct value is processed once."""
    if not columns or not len(next(iter(columns.values()))):
        return
    connection = session.connection()
    dialect = connection.dialect
    names = list(columns)
    columns_values = []
    for name in names:
        values: Sequence[Any] = columns[name]
        process = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        if process is not None:
            memo: dict[Any, Any] = {None: None}  # repeated values (shared timestamps) once
            values = [memo[v] if v in memo else memo.setdefault(v, process(v)) for v in values]
        columns_values.append(values)
    rows = list(zip(*columns_values, strict=True))
    listed = ", ".join(dialect.identifier_preparer.quote(n) for n in names)
    target = dialect.identifier_preparer.format_table(table)
    if dialect.name == "postgresql":
        # COPY, PostgreSQL's bulk-load path, beats a batched INSERT (bench/ingest.py --postgres).
        driver = connection.connection.driver_connection
        assert driver is not None  # a checked-out connection always has one
        with (
            driver.cursor() as cursor,
            cursor.copy(f"COPY {target} ({listed}) FROM STDIN") as copy,
        ):
            for record in rows:
                copy.write_row(record)
        return
    marker = "?" if dialect.paramstyle == "qmark" else "%s"
    statement = f"INSERT INTO {target} ({listed}) VALUES ({', '.join([marker] * len(names))})"
    connection.exec_driver_sql(statement, rows)
