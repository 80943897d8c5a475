"""Identity ids that survive linkage runs.

A run clusters encounters anew; here each new cluster takes the id its members had before, so
that what hangs on an identity stays where it was. When a cluster gathers members of several
earlier identities (a merge), it keeps the id of the part with most members (the older id on a
tie); when an earlier identity's members fall into several clusters (a split), the largest part
keeps the id and the others get new ones. Both are returned, to be recorded with the run.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class IdentityChange:
    kind: str  # "merge" or "split"
    identity_id: int  # the id kept
    others: tuple[int, ...]  # merge: the ids absorbed; split: the new ids of the other parts
    members: tuple[int, ...]  # the encounters of the cluster (merge) or of the old id (split)


def assign(
    previous: Mapping[int, int],
    clusters: Iterable[Iterable[int]],
    retired: Iterable[int] = (),
) -> tuple[dict[int, int], list[IdentityChange]]:
    """(encounter → identity id for this run, the merges and splits it makes). ``retired``: ids
    given out by earlier runs and absorbed since; an id is never given to another identity."""
    groups = [sorted(set(members)) for members in clusters]
    groups.sort(key=lambda g: g[0])
    # Who wins each earlier id: the cluster holding most of its members, then the lowest one.
    parts: dict[int, list[tuple[int, int]]] = {}
    for index, members in enumerate(groups):
        for old, count in Counter(previous[m] for m in members if m in previous).items():
            parts.setdefault(old, []).append((count, index))
    winner = {old: max(claims, key=lambda c: (c[0], -c[1]))[1] for old, claims in parts.items()}
    used = set(previous.values()) | set(retired)
    next_free = max([*used, *(m for g in groups for m in g), 0]) + 1
    assigned: dict[int, int] = {}
    ids: list[int] = []
    for index, members in enumerate(groups):
        counts = Counter(previous[m] for m in members if m in previous)
        won = [old for old, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
               if winner[old] == index]  # fmt: skip
        if won:
            identity = won[0]
        elif members[0] not in used:  # a new identity: its lowest encounter id, as before
            identity = members[0]
        else:
            identity, next_free = next_free, next_free + 1
        used.add(identity)
        ids.append(identity)
        for member in members:
            assigned[member] = identity
    changes: list[IdentityChange] = []
    for index, members in enumerate(groups):
        olds = sorted({previous[m] for m in members if m in previous})
        if len(olds) > 1:
            others = tuple(o for o in olds if o != ids[index])
            changes.append(IdentityChange("merge", ids[index], others, tuple(members)))
    for old, claims in sorted(parts.items()):
        if len(claims) > 1:
            kept = ids[winner[old]]
            into = tuple(sorted({ids[i] for _, i in claims} - {kept}))
            if kept != old:
                into = tuple(sorted({ids[i] for _, i in claims}))
            former = tuple(sorted(m for m, o in previous.items() if o == old))
            changes.append(IdentityChange("split", old, into, former))
    return assigned, changes
