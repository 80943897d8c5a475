"""The same linkage settings on Splink's Spark backend, in Spark local mode (slow: Spark
starts a JVM; `make test-slow` installs pyspark and runs it)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pyarrow as pa
import pytest

from hito.identity.linkage import link
from hito.identity.synthetic import Noise, registries

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    pytest.importorskip("pyspark", reason="make test-slow installs the spark extra")
    from hito.identity.linkage.spark import local_session

    session = local_session(cores=2, memory="2g")
    yield session
    session.stop()


def test_spark_backend_links_like_duckdb(spark: Any) -> None:
    data = registries(2000, 1000, seed=17, noise=Noise().scaled(0.5))
    left, right = pa.Table.from_pylist(data.left), pa.Table.from_pylist(data.right)
    on_duckdb = link(left, right, one_to_one=True)
    on_spark = link(left, right, one_to_one=True, spark=spark)

    def pairs(outcome: Any) -> set[tuple[str, str]]:
        table = outcome.pairs
        return set(
            zip(
                table.column("id_left").to_pylist(),
                table.column("id_right").to_pylist(),
                strict=True,
            )
        )

    duck, sparked = pairs(on_duckdb), pairs(on_spark)
    recall = len(sparked & data.truth) / len(data.truth)
    precision = len(sparked & data.truth) / len(sparked)
    assert precision > 0.97 and recall > 0.95, (precision, recall)
    assert len(duck & sparked) / len(duck | sparked) > 0.97  # the same model, the same answers
    comparisons = [c["output_column_name"] for c in on_spark.model_json["comparisons"]]
    assert comparisons == [c["output_column_name"] for c in on_duckdb.model_json["comparisons"]]
