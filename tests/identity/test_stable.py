"""Identity ids survive linkage runs: the same clusters keep their ids; a bridging record
merges two identities (the larger part keeps its id, the merge is recorded); a split keeps the
id on the larger part and gives the rest a new id never used before."""

from __future__ import annotations

from hito.identity.stable import IdentityChange, assign


def test_the_same_clusters_keep_their_ids_and_record_nothing() -> None:
    first, changes = assign({}, [[5, 2], [7], [9, 8, 3]])
    assert first == {2: 2, 5: 2, 7: 7, 3: 3, 8: 3, 9: 3} and changes == []
    again, changes = assign(first, [[7], [3, 9, 8], [2, 5]])
    assert again == first and changes == []


def test_a_new_encounter_joins_the_identity_it_belongs_to() -> None:
    first, _ = assign({}, [[2, 5], [7]])
    later, changes = assign(first, [[2, 5, 11], [7]])
    assert later[11] == 2 and later[7] == 7 and changes == []


def test_a_bridging_record_merges_two_identities_the_larger_keeping_its_id() -> None:
    first, _ = assign({}, [[2, 5], [7, 8, 9]])
    merged, changes = assign(first, [[2, 5, 7, 8, 9, 12]])
    assert set(merged.values()) == {7}  # three members against two
    assert changes == [IdentityChange("merge", 7, (2,), (2, 5, 7, 8, 9, 12))]


def test_a_split_keeps_the_id_on_the_larger_part_and_never_reuses_an_id() -> None:
    first, _ = assign({}, [[2, 5], [7, 8, 9]])
    merged, _ = assign(first, [[2, 5, 7, 8, 9]])
    split, changes = assign(merged, [[2, 5], [7, 8, 9]], retired=[2])
    assert {split[m] for m in (7, 8, 9)} == {7}
    new = split[2]
    assert new == split[5] and new not in (2, 7)  # 2 was absorbed: it means nothing any more
    assert changes == [IdentityChange("split", 7, (new,), (2, 5, 7, 8, 9))]


def test_a_tie_keeps_the_older_id() -> None:
    first, _ = assign({}, [[2, 3], [7, 8]])
    merged, changes = assign(first, [[2, 3, 7, 8]])
    assert set(merged.values()) == {2}
    assert changes[0].others == (7,)
