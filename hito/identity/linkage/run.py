"""Training, prediction, clustering and explanation with Splink, on DuckDB or Spark."""

from __future__ import annotations

import json
import logging
import math
import re
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pyarrow as pa
from splink import DuckDBAPI, Linker
from splink.blocking_analysis import count_comparisons_from_blocking_rules

from hito.identity import prepare
from hito.identity.linkage import blocking, model

Progress = Callable[[str], None]
logging.getLogger("splink").setLevel(logging.ERROR)
# A level never seen among matches while training (or driven to 0 by EM) still gets this m,
# so that one disagreeing field weighs at most ~13 bits against a pair instead of a veto.
M_FLOOR = 1e-4


@dataclass
class Outcome:
    """What a run produced: scored pairs (and clusters for dedupe), the trained model and what
    could not be read."""

    pairs: pa.Table  # id_left, id_right, match_probability, match_weight
    model_json: dict[str, Any]
    unreadable: dict[str, int]
    records: dict[str, int]
    clusters: pa.Table | None = None  # id, cluster_id
    timings: dict[str, float] = field(default_factory=dict)


def connect(*, memory_limit: str | None = None, threads: int | None = None) -> Any:
    connection = duckdb.connect()
    if memory_limit:
        _run(connection, f"set memory_limit = '{memory_limit}'")
    if threads:
        _run(connection, f"set threads = {int(threads)}")
    _run(connection, f"set temp_directory = '{tempfile.gettempdir()}/hito-duckdb'")
    _run(connection, "set preserve_insertion_order = false")
    return connection


def _run(connection: Any, sql: str) -> list[Any]:
    return list(connection.execute(sql).fetchall())


class _Clock:
    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress or (lambda _: None)
        self.timings: dict[str, float] = {}
        self._start = time.perf_counter()
        self._step = ""

    def step(self, name: str) -> None:
        now = time.perf_counter()
        if self._step:
            self.timings[self._step] = round(now - self._start, 2)
        self._step, self._start = name, now
        if name:
            self.progress(name)


def _prepare(connection: Any, tables: dict[str, pa.Table], extra: tuple[str, ...]) -> None:
    prepare.install(connection)
    for name, table in tables.items():
        connection.register(f"{name}_raw", table)
        _run(connection, prepare.prepare_sql(f"{name}_raw", name, extra=extra))
        connection.unregister(f"{name}_raw")


def _blocking(
    connection: Any, left: str, right: str | None, extra: Sequence[str], clock: _Clock
) -> tuple[list[Any], int]:
    """The blocking rules for these tables, saying which optional or guarded ones cost too
    much, and the pairs they make (counted)."""
    choice = blocking.choose(connection, left, right, extra)
    for rule, count in choice.dropped:
        keys = " and ".join(key for key, _ in rule.keys) + (
            f" where {rule.where}" if rule.where else ""
        )
        clock.progress(f"blocking on {keys} would compare {count:,} pairs: left out")
    return [rule.splink() for rule in choice.rules], choice.pairs


# Counted pairs scored in one go on DuckDB: the realistic profile at 1,600,000 × 700,000
# (15.7M distinct pairs) fits its 3 GB at once, 37M distinct did not; more are scored in
# slices of the right-hand records (Splink's chunks: each slice joins the whole left table
# with a hash-share of the right), so finding and scoring candidates takes the memory of a
# slice, and the pairs the rules may make are bounded by time (`blocking.total_budget`). The
# pairs kept (those above the lowest threshold) are still held whole, twice at the end while
# Splink joins the slices. Each slice costs time of its own (the lists exploded again): on
# the hard profile at 800,000 × 350,000, 39-50 s to predict in one go, 57-68 s in 5 slices
# (two runs each, alternated, the machine shared).
PAIRS_PER_SLICE = 25_000_000


def slices(pairs: int) -> int:
    """How many slices to score `pairs` counted pairs in."""
    return max(1, math.ceil(pairs / PAIRS_PER_SLICE))


def _predict(linker: Linker, lowest: float, parts: int, clock: _Clock) -> Any:
    if parts > 1:
        clock.progress(f"scoring in {parts} slices")
    return linker.inference.predict(
        threshold_match_probability=lowest, num_chunks_left=1, num_chunks_right=parts
    )


U_SAMPLE = 2_000_000  # random pairs drawn to estimate u


def _train(
    linker: Linker,
    api: Any,
    tables: Sequence[Any],
    *,
    counts: tuple[float, float | None],
    seed: int = 1,
    explain: bool = False,
) -> Linker:
    """Train without labels; returns a linker holding the trained model with its m floor.
    `counts` is what `document_counts` found in the prepared tables."""
    training = linker.training
    training.estimate_probability_two_random_records_match(model.DETERMINISTIC_RULES, recall=0.8)
    training.estimate_u_using_random_sampling(max_pairs=U_SAMPLE, seed=seed)
    inputs = [api.register(table) for table in tables]

    def with_model(settings: dict[str, Any]) -> Linker:
        return Linker(inputs if len(inputs) > 1 else inputs[0], settings, log_level=None)

    linker = with_model(complete_u(linker.misc.save_model_to_json(), counts))
    for rule in model.EM_SESSIONS:
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    trained = floor_m(linker.misc.save_model_to_json())
    if explain:
        trained["retain_intermediate_calculation_columns"] = True
    return with_model(trained)


def document_counts(connection: Any, tables: Sequence[str]) -> tuple[float, float | None]:
    """Pairs of records that share a document number, and pairs where both have one: from the
    prepared tables' value counts (a link of two tables, or one table against itself)."""
    if len(tables) == 2:
        left, right = tables
        shared, with_documents = _run(
            connection,
            f"""select coalesce(sum(l.n * r.n), 0),
                    (select count(doc) from {left}) * (select count(doc) from {right})
                from (select doc, count(*) n from {left} where doc is not null group by doc) l
                join (select doc, count(*) n from {right} where doc is not null group by doc) r
                using (doc)""",
        )[0]
    else:
        (table,) = tables
        shared, with_documents = _run(
            connection,
            f"""select coalesce(sum(n * (n - 1) / 2), 0),
                    (select count(doc) * (count(doc) - 1) / 2 from {table})
                from (select count(*) n from {table} where doc is not null group by doc)""",
        )[0]
    return float(shared), (float(with_documents) if with_documents else None)


def complete_u(model_json: dict[str, Any], counts: tuple[float, float | None]) -> dict[str, Any]:
    """The model with the u that random sampling cannot give.

    Two records of different people share a document number about once in a million pairs, so
    2,000,000 sampled pairs often see it never, and Splink then gives "same document number"
    no weight at all. Its u is counted instead: pairs sharing a number over pairs where both
    have one (true matches among them make this an overestimate, so the weight errs low). Any
    other level never seen among the sampled pairs gets half an observation (0.5 / pairs
    drawn) rather than none."""
    shared, with_documents = counts
    result = json.loads(json.dumps(model_json))
    for comparison in result["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            if level.get("label_for_charts") == model.SAME_DOCUMENT and with_documents:
                level["u_probability"] = max(shared, 0.5) / with_documents
            elif not isinstance(level.get("u_probability"), float):
                level["u_probability"] = 0.5 / U_SAMPLE
    return result


def floor_m(model_json: dict[str, Any]) -> dict[str, Any]:
    """The model with every untrained or vanishing m raised to M_FLOOR, then renormalised."""
    result = json.loads(json.dumps(model_json))
    for comparison in result["comparisons"]:
        levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
        values = [lv.get("m_probability") for lv in levels]
        values = [M_FLOOR if (m is None or m < M_FLOOR) else m for m in values]
        total = sum(values)
        for level, value in zip(levels, values, strict=True):
            level["m_probability"] = value / total
    return result


# One-to-one links weigh every candidate of both records against each other; candidates below
# this probability are too weak to matter (their odds are under 1%).
COMPETING_FLOOR = 0.01


def _pairs(
    connection: Any,
    table: str,
    threshold: float,
    *,
    one_to_one: bool = False,
    review_from: float | None = None,
) -> pa.Table:
    """Pairs at or above `threshold`, decided `link`, and those from `review_from` up to it,
    decided `review`. One-to-one, a link must be both records' best candidate too; a pair to
    review need not be (the reviewer sees the candidates that compete), and without a review
    band the pairs that are not are left out."""
    source, best = table, "true"
    if one_to_one:
        source, best = _one_to_one(table), "rank_l = 1 and rank_r = 1"
    link = f"match_probability >= {float(threshold)} and {best}"
    low = float(threshold if review_from is None else min(review_from, threshold))
    return connection.sql(
        f"select id_l as id_left, id_r as id_right, match_probability, match_weight, "
        f"case when {link} then 'link' else 'review' end as decision from {source} "
        f"where match_probability >= {low} "
        + ("" if review_from is not None else f"and {link} ")
        + "order by match_probability desc, id_l, id_r"
    ).to_arrow_table()


def _one_to_one(table: str) -> str:
    """Pairs of registries without duplicates inside them, where a record has at most one
    match in the other registry.

    Each pair's odds (2^weight) are weighed against those of every other candidate of both its
    records: P(l = r) = o / (1 + others of l + others of r + o), so two equally good candidates
    share the evidence instead of each looking certain. Then each record keeps only its best
    link, and only when it is the other's best too (ties broken by id: `rank_l`, `rank_r`); at
    thresholds of 0.5 or more that follows from the probabilities alone. The probability rises
    with the adjusted weight, so the caller's threshold can be applied after the ranking."""
    window = "rows between unbounded preceding and unbounded following exclude current row"
    odds = "pow(2, least(match_weight, 60))"  # beyond 2^60 a pair is certain anyway
    return f"""(
        select * from (
            select *,
                row_number() over (partition by id_l order by match_weight desc, id_r) as rank_l,
                row_number() over (partition by id_r order by match_weight desc, id_l) as rank_r
            from (
                select id_l, id_r,
                    weight - log2(1 + others) as match_weight,
                    pow(2, weight) / (1 + others + pow(2, weight)) as match_probability
                from (
                    select id_l, id_r, least(match_weight, 60) as weight,
                        coalesce(sum({odds}) over (partition by id_l {window}), 0)
                        + coalesce(sum({odds}) over (partition by id_r {window}), 0) as others
                    from {table}
                )
            )
        )
    )"""


def link(
    left: pa.Table,
    right: pa.Table,
    *,
    threshold: float = 0.5,
    extra: Sequence[str] = (),
    progress: Progress | None = None,
    memory_limit: str | None = None,
    one_to_one: bool = False,
    spark: Any | None = None,
    review_from: float | None = None,
) -> Outcome:
    """Pairs of records, one from each table, that are the same person, at or above
    `threshold` (decision `link`), and with `review_from` those from there up to the threshold
    (decision `review`: for a person to decide); the model is trained on these two tables
    without labels. With `one_to_one`,
    a record links to at most one of the other table, and each pair's probability weighs all
    the candidates of both its records (see `_one_to_one`).

    With a `spark` session, training and prediction run on Splink's Spark backend with the
    same settings (preparation stays in DuckDB, which hands Spark Parquet files)."""
    clock = _Clock(progress)
    connection = connect(memory_limit=memory_limit)
    clock.step("preparing")
    _prepare(connection, {"hito_left": left, "hito_right": right}, tuple(extra))
    unreadable = _sum(
        prepare.unreadable_counts(connection, "hito_left"),
        prepare.unreadable_counts(connection, "hito_right"),
    )
    with tempfile.TemporaryDirectory(prefix="hito-link-") as folder:
        api: Any
        inputs: list[Any]
        if spark is not None:
            from hito.identity.linkage.spark import spark_inputs

            api, inputs = spark_inputs(connection, spark, ["hito_left", "hito_right"], folder)
        else:
            api, inputs = DuckDBAPI(connection), ["hito_left", "hito_right"]
        rules, counted = _blocking(connection, "hito_left", "hito_right", extra, clock)
        linker = Linker(
            [api.register(table) for table in inputs],
            model.settings("link_only", extra=tuple(extra), blocking_rules=rules),
            log_level=None,
        )
        clock.step("training")
        counts = document_counts(connection, ["hito_left", "hito_right"])
        linker = _train(linker, api, inputs, counts=counts)
        clock.step("predicting")
        lowest = min(threshold, review_from if review_from is not None else threshold)
        lowest = min(lowest, COMPETING_FLOOR) if one_to_one else lowest
        # Spark spills what does not fit: it scores in one go.
        parts = 1 if spark is not None else slices(counted)
        predictions = _predict(linker, lowest, parts, clock)
        table = predictions.physical_name
        if spark is not None:
            from hito.identity.linkage.spark import fetch_predictions

            table = fetch_predictions(connection, predictions, folder)
        pairs = _pairs(connection, table, threshold, one_to_one=one_to_one, review_from=review_from)
    clock.step("")
    return Outcome(
        pairs=pairs,
        model_json=linker.misc.save_model_to_json(),
        unreadable=unreadable,
        records={"left": left.num_rows, "right": right.num_rows},
        timings=clock.timings,
    )


def dedupe(
    table: pa.Table,
    *,
    threshold: float = 0.5,
    extra: Sequence[str] = (),
    progress: Progress | None = None,
    must_link: Sequence[tuple[str, str]] = (),
    cannot_link: Sequence[tuple[str, str]] = (),
    pairs_from: float | None = None,
    explain_pairs: bool = False,
) -> Outcome:
    """Clusters of records that are the same person, joined at `threshold`. Reviewers'
    decisions win over the model: `must_link` pairs are joined, `cannot_link` pairs never.
    Pairs are returned from `pairs_from` (default: the threshold), with each field's level
    and weight when `explain_pairs`."""
    clock = _Clock(progress)
    connection = connect()
    clock.step("preparing")
    _prepare(connection, {"hito_records": table}, tuple(extra))
    unreadable = prepare.unreadable_counts(connection, "hito_records")
    api = DuckDBAPI(connection)
    rules, counted = _blocking(connection, "hito_records", None, extra, clock)
    linker = Linker(
        api.register("hito_records"),
        model.settings("dedupe_only", extra=tuple(extra), blocking_rules=rules),
        log_level=None,
    )
    clock.step("training")
    counts = document_counts(connection, ["hito_records"])
    linker = _train(linker, api, ["hito_records"], counts=counts, explain=explain_pairs)
    clock.step("predicting")
    lowest = min(threshold, pairs_from if pairs_from is not None else threshold)
    predictions = _predict(linker, lowest, slices(counted), clock)
    _apply_decisions(connection, predictions.physical_name, must_link, cannot_link)
    clock.step("clustering")
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=threshold
    )
    cluster_table = connection.sql(
        f"select id, cluster_id from {clusters.physical_name} order by cluster_id, id"
    ).to_arrow_table()
    if explain_pairs:
        pairs = _with_fields(connection, predictions.physical_name, lowest, linker)
    else:
        pairs = _pairs(connection, predictions.physical_name, lowest)
    clock.step("")
    return Outcome(
        pairs=pairs,
        model_json=linker.misc.save_model_to_json(),
        unreadable=unreadable,
        records={"records": table.num_rows},
        clusters=cluster_table,
        timings=clock.timings,
    )


@dataclass
class Blocking:
    """What the blocking rules do on these tables: how many true pairs they bring to scoring
    and how many pairs they make in all."""

    true_pairs: int
    found: int
    candidates: int

    @property
    def recall(self) -> float:
        return self.found / self.true_pairs if self.true_pairs else 1.0


def blocking_recall(
    left: pa.Table,
    right: pa.Table | None,
    truth: Sequence[tuple[str, str]],
    *,
    extra: Sequence[str] = (),
    memory_limit: str | None = None,
) -> Blocking:
    """Blocking recall against known true pairs (a benchmark's truth), with the rules a link
    (or, `right` None, a deduplication) of these tables would use, and their pair count."""
    connection = connect(memory_limit=memory_limit)
    names = {"hito_left": left} if right is None else {"hito_left": left, "hito_right": right}
    _prepare(connection, names, tuple(extra))
    other = None if right is None else "hito_right"
    rules = blocking.choose(connection, "hito_left", other, extra).rules
    connection.register(
        "hito_truth",
        pa.table({"id_left": [a for a, _ in truth], "id_right": [b for _, b in truth]}),
    )
    total, found = blocking.recall(
        connection, rules, "hito_left", other or "hito_left", "hito_truth"
    )
    api = DuckDBAPI(connection)
    tables = [api.register(name) for name in names]
    counted = count_comparisons_from_blocking_rules(
        tables if len(tables) > 1 else tables[0],
        blocking_rules=[rule.splink() for rule in rules],
        link_type="link_only" if right is not None else "dedupe_only",
        unique_id_column_name="id",
        record_sample_proportion=1.0,
    )
    return Blocking(total, found, int(counted[-1]["cumulative_comparison_count"]))


def _with_fields(connection: Any, table: str, threshold: float, linker: Linker) -> pa.Table:
    """The pairs with a `fields` column: JSON of each comparison's level and weight."""
    model_json = linker.misc.save_model_to_json()
    labels = _level_labels(model_json)
    rows = connection.sql(
        f"select * from {table} where match_probability >= {float(threshold)} "
        f"order by match_probability desc, id_l, id_r"
    ).to_arrow_table()
    out: dict[str, list[Any]] = {
        "id_left": [], "id_right": [], "match_probability": [], "match_weight": [], "fields": [],
    }  # fmt: skip
    for row in rows.to_pylist():
        out["id_left"].append(row["id_l"])
        out["id_right"].append(row["id_r"])
        out["match_probability"].append(row["match_probability"])
        out["match_weight"].append(row["match_weight"])
        out["fields"].append(json.dumps(_fields(row, labels), ensure_ascii=False))
    return pa.table(out)


def _fields(
    row: dict[str, Any],
    levels: dict[str, dict[int, tuple[str, float]]],
    nulls: dict[str, tuple[str, str]] | None = None,
) -> list[dict[str, Any]]:
    """Each comparison's level and weight, from its gamma column (score_pairs) or, where
    predict gives only the weight (mw_ columns), from the level of that weight. `nulls`
    (`_null_levels`) tells a missing value from the other levels that weigh nothing, where the
    row holds the compared values."""
    fields = []
    for name, by_gamma in levels.items():
        gamma = row.get(f"gamma_{name}")
        if gamma is not None:
            label, weight = by_gamma.get(gamma, (str(gamma), 0.0))
            column, other = (nulls or {}).get(name, ("", ""))
            if gamma == -1 and column and f"{column}_l" in row:
                present = row[f"{column}_l"] is not None and row[f"{column}_r"] is not None
                label = other if present else MISSING
        elif f"mw_{name}" in row and row[f"mw_{name}"] is not None:
            weight = round(row[f"mw_{name}"], 2)
            label = min(by_gamma.values(), key=lambda lw: abs(lw[1] - weight))[0]
            weight = round(weight + (row.get(f"mw_tf_adj_{name}") or 0.0), 2)
        else:
            continue
        fields.append({"field": name, "level": label, "weight": weight})
    return fields


def _apply_decisions(
    connection: Any,
    table: str,
    must_link: Sequence[tuple[str, str]],
    cannot_link: Sequence[tuple[str, str]],
) -> None:
    for low, high in cannot_link:
        _run(
            connection,
            f"update {table} set match_probability = 0, match_weight = -100 "
            f"where (id_l = '{_esc(low)}' and id_r = '{_esc(high)}') "
            f"or (id_l = '{_esc(high)}' and id_r = '{_esc(low)}')",
        )
    for low, high in must_link:
        _run(
            connection,
            f"delete from {table} where (id_l = '{_esc(low)}' and id_r = '{_esc(high)}') "
            f"or (id_l = '{_esc(high)}' and id_r = '{_esc(low)}')",
        )
        _run(
            connection,
            f"insert into {table} (id_l, id_r, match_probability, match_weight) "
            f"values ('{_esc(low)}', '{_esc(high)}', 1.0, 100)",
        )


def _esc(value: str) -> str:
    return str(value).replace("'", "''")


def _sum(*counts: dict[str, int]) -> dict[str, int]:
    total: dict[str, int] = {}
    for count in counts:
        for key, value in count.items():
            total[key] = total.get(key, 0) + value
    return total


def explain(
    model_json: dict[str, Any], left: list[dict[str, Any]], right: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Score every left × right pair with a trained model and say, for each, which fields
    agreed at which level and how much each weighed (log2 Bayes factor)."""
    settings = json.loads(json.dumps(model_json))
    settings["retain_intermediate_calculation_columns"] = True
    settings["retain_matching_columns"] = True
    settings["link_type"] = "link_only"
    settings["blocking_rules_to_generate_predictions"] = []  # every given pair is scored
    # Term frequencies of a handful of records would mislead: score without them.
    for comparison in settings["comparisons"]:
        for level in comparison["comparison_levels"]:
            level.pop("tf_adjustment_column", None)
            level.pop("tf_adjustment_weight", None)
    connection = connect()
    # One record against a few hundred: prepared in Python (the SQL's planning alone would
    # cost more than the scoring), and the settings, validated when trained, not again.
    for name, records in (("hito_l", left), ("hito_r", right)):
        prepared = [prepare.prepare_record(record) for record in records]
        connection.register(name, pa.Table.from_pylist(prepared, schema=_PREPARED))
    api = DuckDBAPI(connection)
    inputs = [api.register("hito_l"), api.register("hito_r")]
    linker = Linker(inputs, settings, log_level=None, validate_settings=False)
    scored = linker.inference.score_pairs(inputs[0], inputs[1])
    rows = connection.sql(f"select * from {scored.physical_name}").to_arrow_table()
    labels, nulls = _level_labels(model_json), _null_levels(model_json)
    return [
        {
            "id_left": row["id_l"],
            "id_right": row["id_r"],
            "match_probability": row["match_probability"],
            "match_weight": row["match_weight"],
            "fields": _fields(row, labels, nulls),
        }
        for row in rows.to_pylist()
    ]


_PREPARED = pa.schema(
    [
        ("id", pa.string()), ("g_all", pa.string()), ("g1", pa.string()), ("g2", pa.string()),
        ("g_tok", pa.list_(pa.string())), ("s_all", pa.string()), ("s1", pa.string()),
        ("s2", pa.string()), ("married", pa.string()), ("s_tok", pa.list_(pa.string())),
        ("g1_ph", pa.string()), ("s1_ph", pa.string()), ("s2_ph", pa.string()),
        ("byear", pa.int32()), ("bmonth", pa.int32()), ("bday", pa.int32()),
        ("dob", pa.string()), ("dob_swap", pa.string()), ("sex", pa.string()),
        ("nat", pa.string()), ("doc", pa.string()), ("doc_kind", pa.string()),
    ]
)  # fmt: skip


def _level_labels(model_json: dict[str, Any]) -> dict[str, dict[int, tuple[str, float]]]:
    """comparison → {gamma: (label, weight)}, the weight being the level's log2(m/u) without
    term-frequency adjustment. Splink numbers levels from the last (0) upwards; null is -1."""
    labels: dict[str, dict[int, tuple[str, float]]] = {}
    for comparison in model_json["comparisons"]:
        name = comparison["output_column_name"]
        levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
        # Every null level weighs nothing and reads -1; a comparison with more than the
        # missing value's names them all.
        missing = " / ".join(dict.fromkeys([MISSING, *_other_nulls(comparison)]))
        mapping: dict[int, tuple[str, float]] = {-1: (missing, 0.0)}
        for index, level in enumerate(levels):
            m, u = level.get("m_probability"), level.get("u_probability")
            weight = round(math.log2(m / u), 2) if m and u else 0.0
            label = level.get("label_for_charts") or level["sql_condition"]
            mapping[len(levels) - 1 - index] = (label, weight)
        labels[name] = mapping
    return labels


MISSING = "missing on one side"
_NULL_COLUMN = re.compile(r'^"?(\w+)_l"? IS NULL', re.IGNORECASE)


def _null_levels(model_json: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """comparison → (the column whose missing value is its first null level, the label of its
    other null levels), for the comparisons that have more than one (surnames: names in each
    other's columns, weighed in given names)."""
    found = {}
    for comparison in model_json["comparisons"]:
        others = _other_nulls(comparison)
        if not others:
            continue
        first = next(lv for lv in comparison["comparison_levels"] if lv.get("is_null_level"))
        match = _NULL_COLUMN.match(first["sql_condition"])
        if match:
            found[comparison["output_column_name"]] = (match.group(1), " / ".join(others))
    return found


def _other_nulls(comparison: dict[str, Any]) -> list[str]:
    """The distinct labels of a comparison's null levels after the first (the missing value)."""
    nulls = [lv for lv in comparison["comparison_levels"] if lv.get("is_null_level")]
    return list(dict.fromkeys(lv.get("label_for_charts") or "" for lv in nulls[1:]))
