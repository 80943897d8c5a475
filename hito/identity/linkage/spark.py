"""Splink's Spark backend for national-scale linkage.

Hito's settings are portable (see model.py), so the same model runs here. Preparation stays in
DuckDB and hands Spark Parquet files; predictions come back the same way. A cluster is used by
passing its SparkSession; `local_session()` starts Spark in local mode (tests, one machine).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from splink import SparkAPI


def local_session(*, cores: int = 2, memory: str = "2g") -> Any:
    """A local-mode SparkSession with Splink's similarity functions registered."""
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    session = (
        SparkSession.builder.master(f"local[{cores}]")
        .appName("hito-linkage")
        .config("spark.driver.memory", memory)
        .config("spark.jars", similarity_jar_location())
        .config("spark.sql.shuffle.partitions", str(max(4, cores * 4)))
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    # Splink breaks long lineages with checkpoints
    session.sparkContext.setCheckpointDir(tempfile.mkdtemp(prefix="hito-spark-"))
    return session


def spark_inputs(
    connection: Any, spark: Any, tables: list[str], folder: str
) -> tuple[SparkAPI, list[Any]]:
    frames = []
    for table in tables:
        path = Path(folder) / f"{table}.parquet"
        connection.execute(f"copy {table} to '{path}' (format parquet)").fetchall()
        frames.append(spark.read.parquet(str(path)))
    api = SparkAPI(spark_session=spark, break_lineage_method="parquet")
    return api, frames


def fetch_predictions(connection: Any, predictions: Any, folder: str) -> str:
    """Predictions from Spark into the DuckDB table `hito_predictions`."""
    path = Path(folder) / "predictions"
    frame = predictions.as_spark_dataframe()
    frame.select("id_l", "id_r", "match_probability", "match_weight").write.parquet(str(path))
    connection.execute(
        f"create or replace table hito_predictions as "
        f"select * from read_parquet('{path}/*.parquet')"
    ).fetchall()
    return "hito_predictions"
