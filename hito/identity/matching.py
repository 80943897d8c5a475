"""Linkage inside the platform: person identities, possible matches, and the review queue.

`link_persons` trains a model on the node's person encounters (both countries' records that the
node holds), clusters them into identities and queues the uncertain pairs for review; reviewers'
decisions are kept and win over the model in every later run. `possible_matches` scores one
person against the candidates the caller may see, with the latest model.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Sequence
from typing import Any
from zoneinfo import ZoneInfo

import pyarrow as pa
from sqlalchemy import and_, delete, false, func, or_, select, true
from sqlalchemy.orm import Session, aliased

from hito import audit
from hito.auth.scope import Scope
from hito.auth.scoping import unscoped
from hito.db import utcnow
from hito.events.models import Event
from hito.exc import Conflict, InvalidInput, NotFound
from hito.identity.models import (
    IdentityChange,
    LinkageModel,
    LinkReview,
    PersonIdentity,
    ReviewStatus,
)
from hito.identity.schemas import (
    MatchField,
    PossibleMatch,
    PossibleMatches,
    ReviewDecision,
    ReviewFilters,
    ReviewPage,
    ReviewPublic,
)
from hito.identity.stable import assign
from hito.pagination import id_page
from hito.people import person_standard
from hito.people.models import Person, PersonKey
from hito.places.models import Sector

CANDIDATE_LIMIT = 500


def _pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def link_persons(
    session: Session,
    *,
    scope: Scope,
    progress: Callable[[str], None] | None = None,
    review_band: tuple[float, float] | None = None,
) -> dict[str, int]:
    """Train on every person of the node, cluster at the band's upper probability, and queue
    the pairs within the band for review (default: `REVIEW_BAND`)."""
    from hito.identity.linkage import REVIEW_BAND, dedupe

    low, high = review_band or REVIEW_BAND
    if not 0.0 <= low <= high <= 1.0:
        raise InvalidInput("review band: probabilities with 0 <= low <= high <= 1")

    scope.require("admin")
    with unscoped(session):  # the model learns from every encounter this node holds
        persons = list(session.scalars(select(Person)))
    if len(persons) < 2:
        raise InvalidInput("linkage needs at least two person encounters")
    decided = session.execute(
        select(LinkReview.person_low_id, LinkReview.person_high_id, LinkReview.status).where(
            LinkReview.status != ReviewStatus.pending
        )
    ).all()
    outcome = dedupe(
        pa.Table.from_pylist([person_standard(p) for p in persons]),
        threshold=high,
        pairs_from=low,
        explain_pairs=True,
        progress=progress,
        must_link=[(str(a), str(b)) for a, b, s in decided if s == ReviewStatus.match],
        cannot_link=[(str(a), str(b)) for a, b, s in decided if s == ReviewStatus.non_match],
    )
    versions = sorted((p.id, p.version) for p in persons)
    model = LinkageModel(
        node=scope.node,
        record_count=len(persons),
        training_fingerprint=hashlib.sha256(json.dumps(versions).encode()).hexdigest(),
        training_ids=json.dumps([pid for pid, _ in versions]),
        model_json=json.dumps(outcome.model_json, ensure_ascii=False),
    )
    session.add(model)
    session.flush()
    assert outcome.clusters is not None
    previous = dict(
        session.execute(select(PersonIdentity.person_id, PersonIdentity.identity_id)).all()
    )
    retired: set[int] = set()
    for kept, others in session.execute(select(IdentityChange.identity_id, IdentityChange.others)):
        retired.add(kept)
        retired.update(int(i) for i in others.split())
    ids = outcome.clusters.column("id").to_pylist()
    clusters = outcome.clusters.column("cluster_id").to_pylist()
    members: dict[str, list[int]] = {}
    for person_id, cluster in zip(ids, clusters, strict=True):
        members.setdefault(str(cluster), []).append(int(person_id))
    # Identity ids survive the run: each cluster keeps the id its members had (hito.identity.stable)
    identity_of, changes = assign(previous, members.values(), retired)
    session.execute(delete(PersonIdentity))
    session.add_all(
        PersonIdentity(person_id=person_id, identity_id=identity, model_id=model.id)
        for person_id, identity in sorted(identity_of.items())
    )
    session.add_all(
        IdentityChange(
            model_id=model.id,
            kind=change.kind,
            identity_id=change.identity_id,
            others=" ".join(map(str, change.others)),
            members=" ".join(map(str, change.members)),
        )
        for change in changes
    )
    existing = {(r.person_low_id, r.person_high_id): r for r in session.scalars(select(LinkReview))}
    queued = 0
    for row in outcome.pairs.to_pylist():
        if row["match_probability"] >= high:
            continue
        key = _pair(int(row["id_left"]), int(row["id_right"]))
        review = existing.get(key)
        if review is not None and review.status is not ReviewStatus.pending:
            continue
        if review is None:
            review = LinkReview(person_low_id=key[0], person_high_id=key[1])
            session.add(review)
        review.match_probability = row["match_probability"]
        review.match_weight = row["match_weight"]
        review.explanation = row["fields"]
        queued += 1
    session.flush()
    audit.record(
        session,
        scope=scope,
        action="identity.link",
        object_type="linkage_model",
        object_ids=[model.id],
        detail={"persons": len(persons), "queued": queued, "identity_changes": len(changes)},
    )
    return {
        "model_id": model.id,
        "persons": len(persons),
        "identities": len(set(identity_of.values())),
        "queued_for_review": queued,
        "merged": sum(1 for c in changes if c.kind == "merge"),
        "split": sum(1 for c in changes if c.kind == "split"),
    }


def same_person(session: Session, person_id: int) -> list[int]:
    """Encounters the latest linkage run puts in one identity with this one (itself included)."""
    identity = session.scalar(
        select(PersonIdentity.identity_id).where(PersonIdentity.person_id == person_id)
    )
    if identity is None:
        return [person_id]
    return list(
        session.scalars(
            select(PersonIdentity.person_id)
            .where(PersonIdentity.identity_id == identity)
            .order_by(PersonIdentity.person_id)
        )
    )


def identities(session: Session) -> dict[int, list[int]]:
    """Every identity of more than one encounter, by the latest linkage run."""
    clusters: dict[int, list[int]] = {}
    for person_id, identity in session.execute(
        select(PersonIdentity.person_id, PersonIdentity.identity_id)
    ):
        clusters.setdefault(identity, []).append(person_id)
    return {k: sorted(v) for k, v in clusters.items() if len(v) > 1}


def latest_model(session: Session) -> LinkageModel:
    model = session.scalar(select(LinkageModel).order_by(LinkageModel.id.desc()).limit(1))
    if model is None:
        raise Conflict(
            "no linkage model has been trained on this node yet; "
            "an administrator runs `hito identity link-persons`"
        )
    return model


def _candidates(session: Session, scope: Scope, person: Person) -> Sequence[Person]:
    """Encounters sharing keys with the person (a document, a phonetic surname, the first
    given name with the birth year), those sharing the most first."""
    keys = [
        k for (k,) in session.execute(select(PersonKey.key).where(PersonKey.person_id == person.id))
    ]
    if not keys:
        return []
    shared = func.count().label("shared")
    ranked = (
        select(PersonKey.person_id, shared)
        .join(Person, Person.id == PersonKey.person_id)
        .where(PersonKey.key.in_(keys), Person.id != person.id)
        .group_by(PersonKey.person_id)
        .order_by(shared.desc(), PersonKey.person_id.desc())
        .limit(CANDIDATE_LIMIT)
        .subquery()
    )
    return list(session.scalars(select(Person).join(ranked, ranked.c.person_id == Person.id)))


def possible_matches(
    session: Session, *, scope: Scope, person_id: int, limit: int = 10, floor: float = 0.05
) -> PossibleMatches:
    from hito.identity.linkage import explain

    person = session.scalar(select(Person).where(Person.id == person_id))
    if person is None:
        raise NotFound(f"person {person_id} not found")
    model = latest_model(session)
    candidates = _candidates(session, scope, person)
    scored = []
    if candidates:
        scored = explain(
            json.loads(model.model_json),
            [person_standard(person)],
            [person_standard(c) for c in candidates],
        )
    scored = [s for s in scored if s["match_probability"] >= floor]
    scored.sort(key=lambda s: -s["match_weight"])
    scored = scored[:limit]
    by_id = {c.id: c for c in candidates}
    matched = [int(s["id_right"]) for s in scored]
    reviews = {
        (r.person_low_id, r.person_high_id): r.status
        for r in session.scalars(
            select(LinkReview).where(
                or_(*[_pair_clause(person.id, other) for other in matched] or [false()])
            )
        )
    }
    audit.record(
        session,
        scope=scope,
        action="person.match",
        object_type="person",
        object_ids=[person.uid, *(by_id[i].uid for i in matched)],
        detail={"model_id": model.id, "protection": False},
    )
    return PossibleMatches(
        person_id=person.id,
        model_id=model.id,
        candidates_scored=len(candidates),
        items=[
            PossibleMatch(
                person_id=int(s["id_right"]),
                match_probability=round(s["match_probability"], 6),
                match_weight=round(s["match_weight"], 2),
                fields=[MatchField(**f) for f in s["fields"]],
                origin_node=by_id[int(s["id_right"])].origin_node,
                reviewed=reviews.get(_pair(person.id, int(s["id_right"]))),
            )
            for s in scored
        ],
    )


def _pair_clause(a: int, b: int) -> Any:
    low, high = _pair(a, b)
    return and_(LinkReview.person_low_id == low, LinkReview.person_high_id == high)


def _review_public(review: LinkReview) -> ReviewPublic:
    return ReviewPublic(
        id=review.id,
        person_ids=[review.person_low_id, review.person_high_id],
        match_probability=round(review.match_probability, 6),
        match_weight=round(review.match_weight, 2),
        fields=[MatchField(**f) for f in json.loads(review.explanation or "[]")],
        status=review.status,
        decided_at=review.decided_at,
        note=review.note,
    )


def list_reviews(session: Session, *, scope: Scope, filters: ReviewFilters) -> ReviewPage:
    """Queued pairs whose two persons the caller may both see, filtered by either person's
    nationality, sector or days met (in the user's country's time zone), and by the pair's
    probability."""
    low, high = aliased(Person), aliased(Person)
    query = (
        select(LinkReview)
        .join(low, low.id == LinkReview.person_low_id)
        .join(high, high.id == LinkReview.person_high_id)
        .where(
            LinkReview.status == filters.status,
            LinkReview.match_probability >= filters.min_probability,
            LinkReview.match_probability <= filters.max_probability,
        )
    )
    if filters.nationality:
        query = query.where(
            or_(low.nationality == filters.nationality, high.nationality == filters.nationality)
        )
    if filters.sector:
        in_sector = (
            select(Event.id).join(Sector, Sector.id == Event.sector_id)
            .where(Sector.code == filters.sector)
        )  # fmt: skip
        query = query.where(or_(low.event_id.in_(in_sector), high.event_id.in_(in_sector)))
    if filters.encountered_from is not None or filters.encountered_to is not None:
        # Days as the user lives them: midnight in their country's time zone.
        zone = scope.time_zone
        first, last = filters.encountered_from, filters.encountered_to
        start = _midnight(first, zone) if first else None
        end = _midnight(last + dt.timedelta(days=1), zone) if last else None

        def met_within(person: Any) -> Any:
            return and_(
                person.encountered_at >= start if start else true(),
                person.encountered_at < end if end else true(),
            )

        query = query.where(or_(met_within(low), met_within(high)))
    rows, next_cursor = id_page(
        session, query, LinkReview.id, limit=filters.limit, cursor=filters.cursor
    )
    if rows:
        _record_read(session, scope, [r.id for r in rows])
    return ReviewPage(
        items=[_review_public(r) for r in rows],
        next_cursor=next_cursor,
    )


def _midnight(day: dt.date, zone: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=zone).astimezone(dt.UTC)


def get_review(session: Session, *, scope: Scope, review_id: int) -> ReviewPublic:
    """One queued pair, if the caller may see both its persons."""
    review = session.get(LinkReview, review_id)
    if review is None:
        raise NotFound(f"review {review_id} not found")
    _require_visible(session, (review.person_low_id, review.person_high_id), f"review {review_id}")
    _record_read(session, scope, [review.id])
    return _review_public(review)


def _record_read(session: Session, scope: Scope, review_ids: list[int]) -> None:
    audit.record(
        session,
        scope=scope,
        action="identity.review.read",
        object_type="link_review",
        object_ids=review_ids,
    )


def _require_visible(session: Session, pair: tuple[int, int], what: str | None) -> None:
    """NotFound unless the session's scope sees both persons: named as `what`, or as the first
    person it does not see."""
    visible = set(session.scalars(select(Person.id).where(Person.id.in_(pair))))
    if visible != set(pair):
        raise NotFound(f"{what or f'person {min(set(pair) - visible)}'} not found")


def identity_members(session: Session, *, person_id: int) -> list[int]:
    """The encounters (visible to the session's scope) that the last linkage run put in the
    same identity as this person, the person first; just the person when there was no run."""
    identity = session.scalar(
        select(PersonIdentity.identity_id).where(PersonIdentity.person_id == person_id)
    )
    if identity is None:
        return [person_id]
    members = session.scalars(
        select(Person.id)
        .join(PersonIdentity, PersonIdentity.person_id == Person.id)
        .where(PersonIdentity.identity_id == identity)
        .order_by(Person.encountered_at, Person.id)
    )
    return [person_id, *(m for m in members if m != person_id)]


def decide_review(session: Session, *, scope: Scope, data: ReviewDecision) -> ReviewPublic:
    """Store a reviewer's match / non-match; later runs respect it."""
    scope.require("write")
    if data.review_id is not None:
        review = session.get(LinkReview, data.review_id)
        if review is None:
            raise NotFound(f"review {data.review_id} not found")
        pair = (review.person_low_id, review.person_high_id)
    else:
        assert data.person_ids is not None
        pair = _pair(*data.person_ids)
        review = session.scalar(select(LinkReview).where(_pair_clause(*pair)))
    _require_visible(session, pair, f"review {data.review_id}" if data.review_id else None)
    if review is None:
        review = LinkReview(
            person_low_id=pair[0], person_high_id=pair[1], match_probability=0.0, match_weight=0.0
        )
        session.add(review)
    review.status = ReviewStatus(data.decision)
    review.note = data.note
    review.decided_by_id = scope.user_id
    review.decided_at = utcnow()
    session.flush()
    audit.record(
        session,
        scope=scope,
        action="identity.review.decide",
        object_type="link_review",
        object_ids=[review.id],
        detail={"decision": data.decision, "persons": list(pair)},
    )
    return _review_public(review)
