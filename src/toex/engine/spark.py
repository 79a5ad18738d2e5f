"""The Spark engine: the same toex SQL on Apache Spark (pyspark), over a Parquet warehouse.

Every statement is read as DuckDB syntax by sqlglot and written as Spark SQL
(:mod:`toex.engine.spark_sql`). Spark's Parquet tables have no UPDATE or
row-level DELETE, so this engine carries out DML itself:

- stored tables are temp views over DataFrames: ``INSERT`` unions rows in,
  ``DELETE`` filters them out (lazily, in the session);
- temporary tables are materialised at once (``localCheckpoint``), so later
  statements never recompute them;
- a transaction writes each changed stored table to a new version folder and
  swaps the warehouse manifest at the end (:mod:`toex.engine.warehouse`);
  outside a transaction each statement commits by itself.

Timestamps are ``TIMESTAMP_NTZ`` (DuckDB's ``TIMESTAMP``: a wall-clock time
without a zone) and the session time zone is UTC, so values read back equal
DuckDB's. ``UPDATE`` rewrites the table (new values where the condition
holds), ``INSERT .. ON CONFLICT (key)`` skips or updates rows whose key is
there; DuckDB-only functions raise :class:`EngineError` naming the statement.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toex.engine.base import CsvOptions, Engine, EngineError, ListRows, Params, Reject, Rows
from toex.engine.spark_sql import (
    SparkDialect,
    bind,
    column_ddl,
    parse,
    table_name,
    to_spark,
    values_as_select,
)
from toex.engine.warehouse import CHECKPOINTS, Warehouse
from toex.errors import UnreadableFileError

try:
    import pyspark  # noqa: F401
    from pyspark.sql import DataFrame, SparkSession, Window
    from pyspark.sql import functions as F
    from pyspark.sql import types as T
except ImportError as exc:  # pragma: no cover - exercised by the missing-extra test
    from toex.engine.base import EngineUnavailableError

    raise EngineUnavailableError(
        "the Spark engine needs pyspark, which is not installed: pip install 'toex[spark]' "
        "(pyspark also needs Java 17 or newer on PATH or JAVA_HOME; scripts/system-deps.sh installs it)"
    ) from exc

from sqlglot import exp

if TYPE_CHECKING:
    import pyarrow as pa
    from splink.internals.database_api import DatabaseAPI

#: Shuffle partitions for a local session: Spark's 200 is for clusters; two cores want few.
LOCAL_SHUFFLE_PARTITIONS = 8
#: Bytes read per step when checking a CSV file is valid UTF-8 (Spark would replace bad bytes silently).
_UTF8_CHUNK = 16 * 1024 * 1024
_REF_TABLES = ("ref_forces", "ref_regions", "ref_offence_codes", "ref_policeuk_categories", "toex_meta")


def spark_session(master: str = "local[*]", *, checkpoint_dir: Path | None = None,
                  shuffle_partitions: int | None = None, driver_memory: str | None = None) -> SparkSession:
    """The process's Spark session (started on first use), configured for toex. ``driver_memory`` sizes the
    driver's heap (Spark's default is 1 GB); it takes effect only when this call starts the JVM."""
    from splink.backends.spark import similarity_jar_location

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    partitions = shuffle_partitions or (LOCAL_SHUFFLE_PARTITIONS if master.startswith("local") else 200)
    builder = SparkSession.builder
    if driver_memory:
        builder = builder.config("spark.driver.memory", driver_memory)
    session = (
        builder.master(master).appName("toex")
        .config("spark.jars", similarity_jar_location())
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.jsonGenerator.ignoreNullFields", "false")
        .config("spark.sql.shuffle.partitions", str(partitions))
        # no automatic broadcast joins: the size of a checkpointed table is estimated low, and building the broadcast
        # of a large one runs the driver out of memory (seen on the small set's person pairs); shuffle joins do not
        .config("spark.sql.autoBroadcastJoinThreshold", "-1")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    if checkpoint_dir is not None:
        session.sparkContext.setCheckpointDir(str(checkpoint_dir))
    return session


def _plain_arrow_schema(schema: pa.Schema) -> pa.Schema:
    """JSON and other extension types, and large strings, as plain strings."""
    import pyarrow as pa

    return pa.schema([
        pa.field(f.name, pa.string()) if isinstance(f.type, pa.ExtensionType) or pa.types.is_large_string(f.type)
        else f for f in schema])


def _spark_schema(schema: pa.Schema) -> T.StructType:
    """The Spark schema of an Arrow schema (timestamps without a zone are TIMESTAMP_NTZ)."""
    from pyspark.sql.pandas.types import from_arrow_schema

    return from_arrow_schema(_plain_arrow_schema(schema), prefer_timestamp_ntz=True)


def _arrow_to_spark(spark: SparkSession, table: pa.Table) -> DataFrame:
    """An Arrow table as a DataFrame; JSON and other extension types travel as text."""
    import pyarrow as pa

    plain = table.cast(_plain_arrow_schema(table.schema))
    # one chunk per column, even when empty (pyspark cannot take a column of no chunks)
    plain = pa.table([pa.concat_arrays(c.chunks) if c.num_chunks else pa.array([], type=c.type)
                      for c in plain.columns], schema=plain.schema)
    return spark.createDataFrame(plain, schema=_spark_schema(plain.schema))


class SparkEngine(Engine):
    """A Spark session (its own, on a shared context) over one Parquet warehouse."""

    name = "spark"
    dialect = SparkDialect()

    def __init__(self, warehouse: Path, master: str = "local[*]", *, session: SparkSession | None = None,
                 driver_memory: str | None = None) -> None:
        self.warehouse = Warehouse(Path(warehouse))
        base = session or spark_session(master, checkpoint_dir=self.warehouse.root / CHECKPOINTS,
                                        driver_memory=driver_memory)
        self.spark = base.newSession()
        self._stored: dict[str, DataFrame] = {}
        self._temps: set[str] = set()
        self._files: set[str] = set()
        self._pending: dict[str, DataFrame] | None = None
        self._dropped: set[str] = set()
        self._register_similarity()
        self._open_tables()
        self._sync_schema()

    def _register_similarity(self) -> None:
        """Splink's string similarity functions (``jaro_winkler``, ``damerau_levenshtein``...) for toex SQL too,
        from the jar the session was started with (:func:`spark_session`)."""
        from splink.internals.spark.jar_location import get_scala_udfs

        for name, java_class, returns in get_scala_udfs():  # type: ignore[no-untyped-call]
            self.spark.udf.registerJavaFunction(name, java_class, returns)

    # -- stored tables ---------------------------------------------------------
    def _open_tables(self) -> None:
        self._reopen({name: (self.warehouse.path_of(name), entry["schema"])
                      for name, entry in self.warehouse.manifest.tables.items()})

    def _reopen(self, tables: dict[str, tuple[Path | None, dict[str, Any]]]) -> None:
        """Read tables from their (new) version folders; a table with no folder is empty."""
        for name, (path, schema_json) in tables.items():
            schema = T.StructType.fromJson(schema_json)
            frame = (self.spark.createDataFrame([], schema) if path is None
                     else self.spark.read.schema(schema).parquet(str(path)))
            self._stored[name] = frame
            frame.createOrReplaceTempView(name)

    def _sync_schema(self) -> None:
        """Create missing tables and columns, and refresh reference data, from a fresh DuckDB store."""
        from toex import reference
        from toex.store import latest_version, open_store

        manifest = self.warehouse.manifest
        if manifest.schema_version == latest_version() and manifest.reference_version == reference.version():
            return
        with open_store(None) as store:
            tables = [r[0] for r in store.fetchall(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
                "AND table_type = 'BASE TABLE' ORDER BY table_name")]
            fresh: dict[str, pa.Table] = {
                t: store.con.sql(f'SELECT * FROM "{t}"').to_arrow_table() for t in tables}
        written: dict[str, tuple[Path | None, dict[str, Any]]] = {}
        for table, data in fresh.items():
            schema = _spark_schema(data.schema)
            if table not in self._stored or table in _REF_TABLES:
                written[table] = (self._write_arrow(table, data), schema.jsonValue())
            else:
                self._add_missing_columns(table, schema)
        old = self.warehouse.commit(written, set(), schema_version=latest_version(),
                                    reference_version=reference.version())
        self._reopen(written)
        Warehouse.discard(old)

    def _write_arrow(self, table: str, data: pa.Table) -> Path | None:
        """A new version of ``table`` written from Arrow on the driver (no Spark job); None when empty."""
        if data.num_rows == 0:
            return None
        import pyarrow.parquet as pq

        path = self.warehouse.new_version_path(table)
        path.mkdir(parents=True)
        pq.write_table(data.cast(_plain_arrow_schema(data.schema)), path / "part-00000.parquet")
        return path

    def _add_missing_columns(self, table: str, schema: T.StructType) -> None:
        frame = self._frame(table)
        missing = [f for f in schema.fields if f.name not in frame.columns]
        if missing:
            self._set_stored(table, frame.select("*", *[F.lit(None).cast(f.dataType).alias(f.name) for f in missing]))

    def _frame(self, name: str) -> DataFrame:
        if self._pending is not None and name in self._pending:
            return self._pending[name]
        if name in self._stored and name not in self._dropped:
            return self._stored[name]
        raise EngineError(f"spark: no stored table {name!r}")

    def _set_stored(self, name: str, frame: DataFrame) -> None:
        """A stored table's new rows: kept until the transaction commits."""
        if self._pending is None:
            with self.transaction():
                self._set_stored(name, frame)
            return
        frame = frame.localCheckpoint(eager=False)  # cuts the plan's reference to the view it replaces
        self._pending[name] = frame
        self._dropped.discard(name)
        frame.createOrReplaceTempView(name)

    @contextmanager
    def transaction(self) -> Iterator[Engine]:
        if self._pending is not None:  # nested: part of the outer transaction
            yield self
            return
        self._pending, self._dropped = {}, set()
        try:
            yield self
        except BaseException:
            self._rollback()
            raise
        self._commit()

    def _rollback(self) -> None:
        pending, dropped = self._pending or {}, self._dropped
        self._pending, self._dropped = None, set()
        for name in (*pending, *dropped):
            if name in self._stored:
                self._stored[name].createOrReplaceTempView(name)
            else:
                self.spark.catalog.dropTempView(name)

    def _commit(self) -> None:
        pending, dropped = self._pending or {}, self._dropped
        written: dict[str, tuple[Path | None, dict[str, Any]]] = {}
        try:
            for name, frame in pending.items():
                path = self.warehouse.new_version_path(name)
                _bounded(frame, self.spark).write.parquet(str(path))
                written[name] = (path, frame.schema.jsonValue())
        except Exception as exc:
            self._rollback()
            Warehouse.discard([p for p, _ in written.values() if p is not None])
            raise EngineError(f"spark: commit failed, nothing was changed: {str(exc).splitlines()[0]}") from exc
        old = self.warehouse.commit(written, dropped)
        self._pending, self._dropped = None, set()
        for name in dropped:
            self._stored.pop(name, None)
            self.spark.catalog.dropTempView(name)
        self._reopen(dict(written))
        Warehouse.discard(old)

    # -- statements -------------------------------------------------------------
    def _run(self, sql: str, params: Params) -> Rows:
        tree = parse(bind(sql, params))
        try:
            return self._dispatch(tree)
        except EngineError:
            raise
        except Exception as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise EngineError(f"{first}\n[spark] while running: {sql.strip()[:800]}") from exc

    def _dispatch(self, tree: exp.Expr) -> Rows:
        if isinstance(tree, exp.Create):
            self._create(tree)
        elif isinstance(tree, exp.Insert):
            self._insert(tree)
        elif isinstance(tree, exp.Delete):
            self._delete(tree)
        elif isinstance(tree, exp.Update):
            self._update(tree)
        elif isinstance(tree, exp.Drop):
            self._drop(tree)
        elif isinstance(tree, exp.Query | exp.Values):
            return ListRows([tuple(row) for row in self._query(tree).collect()])
        else:
            raise EngineError(
                f"spark: {tree.key.upper()} statements are not supported by the Spark engine: "
                f"{tree.sql(dialect='duckdb')[:300]}")
        return ListRows([])

    def _query(self, tree: exp.Expr) -> DataFrame:
        if isinstance(tree, exp.Values):
            tree = values_as_select(tree)
        return self.spark.sql(to_spark(tree.transform(self._read_files)))

    def _read_files(self, node: exp.Expr) -> exp.Expr:
        """``read_parquet('f')`` / ``read_csv('f', header = true, all_varchar = true)`` in FROM: the file read
        by Spark once per engine (reference files do not change while it runs) and named as a view."""
        if not isinstance(node, exp.Table) or not isinstance(node.this, exp.ReadParquet | exp.ReadCSV):
            return node
        reader = node.this
        first = reader.this if isinstance(reader, exp.ReadCSV) else (reader.expressions or [None])[0]
        if not isinstance(first, exp.Literal) or not first.is_string:
            raise EngineError(f"spark: a file reader needs one literal path: {node.sql(dialect='duckdb')[:200]}")
        options = {str(o.this.name).lower(): o.expression.sql(dialect="duckdb").lower()
                   for o in (reader.expressions if isinstance(reader, exp.ReadCSV) else []) if isinstance(o, exp.EQ)}
        view = f"__toex_file_{abs(hash((first.this, tuple(sorted(options.items()))))):x}"
        if view not in self._files:
            if isinstance(reader, exp.ReadCSV):
                frame = self.spark.read.csv(first.this, header=options.get("header", "true") == "true",
                                            inferSchema=options.get("all_varchar", "false") != "true")
            else:
                frame = self.spark.read.parquet(first.this)
            frame.createOrReplaceTempView(view)
            self._files.add(view)
        alias = node.args.get("alias")
        return exp.Table(this=exp.to_identifier(view), alias=alias.copy() if alias is not None else None)

    def _create(self, tree: exp.Create) -> None:
        if tree.kind not in ("TABLE", "VIEW"):
            raise EngineError(f"spark: CREATE {tree.kind} is not supported: {tree.sql(dialect='duckdb')[:200]}")
        name = table_name(tree.this)
        if tree.args.get("exists") and self.table_exists(name):
            return
        if tree.expression is not None:
            frame = self._query(tree.expression)
        else:
            frame = self.spark.createDataFrame([], schema=column_ddl(tree.this))
        properties = tree.args.get("properties")
        temporary = properties is not None and any(
            isinstance(p, exp.TemporaryProperty) for p in properties.expressions)
        if temporary:
            self._set_temp(name, frame)
        else:
            self._set_stored(name, frame)

    def _set_temp(self, name: str, frame: DataFrame) -> None:
        # materialised on first use and kept: later statements read it, never recompute it
        frame = frame.localCheckpoint(eager=False)
        frame.createOrReplaceTempView(name)
        self._temps.add(name)

    def _insert(self, tree: exp.Insert) -> None:
        name = table_name(tree.this)
        target = self._temp_or_stored(name)
        source = self._query(tree.expression)
        listed = [c.name for c in tree.this.expressions] if isinstance(tree.this, exp.Schema) else None
        rows = _align(source, target.schema, listed, name)
        conflict = tree.args.get("conflict")
        if tree.args.get("alternative") or tree.args.get("overwrite"):
            raise EngineError(f"spark: INSERT OR ... / OVERWRITE is not supported; write INSERT .. ON CONFLICT (key) "
                              f"DO NOTHING: {tree.sql(dialect='duckdb')[:300]}")
        self._replace(name, target.unionByName(rows) if conflict is None else self._upsert(name, target, rows, conflict))

    def _replace(self, name: str, frame: DataFrame) -> None:
        if name in self._temps:
            self._set_temp(name, frame)
        else:
            self._set_stored(name, frame)

    def _upsert(self, name: str, target: DataFrame, rows: DataFrame, conflict: exp.OnConflict) -> DataFrame:
        """``INSERT .. ON CONFLICT (keys) DO NOTHING | DO UPDATE SET c = excluded.c``: rows whose keys exist
        are skipped or update the stored row; the others are appended."""
        keys = [k.name for k in conflict.args.get("conflict_keys") or []]
        action = str(conflict.args.get("action") or "").upper()
        if not keys or action not in ("DO NOTHING", "DO UPDATE") or conflict.args.get("where") is not None:
            raise EngineError(f"spark: ON CONFLICT needs its key columns and DO NOTHING or DO UPDATE SET (no WHERE): "
                              f"{conflict.sql(dialect='duckdb')[:300]}")
        rows = rows.dropDuplicates(keys)
        new = rows.join(target.select(*keys), keys, "left_anti")
        if action == "DO NOTHING":
            return target.unionByName(new)
        sets = {eq.this.name.lower(): eq.expression for eq in conflict.expressions}
        rows.createOrReplaceTempView("excluded")
        target.createOrReplaceTempView("__toex_conflict_old")
        try:
            values = ", ".join(
                f"CAST(({to_spark(sets[f.name.lower()])}) AS {f.dataType.simpleString()}) AS `{f.name}`"
                if f.name.lower() in sets else f"`{name}`.`{f.name}`" for f in target.schema.fields)
            on = " AND ".join(f"`{name}`.`{k}` <=> excluded.`{k}`" for k in keys)
            updated = self.spark.sql(
                f"SELECT {values} FROM __toex_conflict_old AS `{name}` JOIN excluded ON {on}").localCheckpoint()
        finally:
            self.spark.catalog.dropTempView("excluded")
            self.spark.catalog.dropTempView("__toex_conflict_old")
        kept = target.join(rows.select(*keys), keys, "left_anti")
        return kept.unionByName(updated).unionByName(new)

    def _update(self, tree: exp.Update) -> None:
        """``UPDATE t SET .. [FROM ..] [WHERE ..]`` as a rewrite of ``t``: each row meeting the condition takes
        the new values (from one matching row of the FROM tables, as in DuckDB), the others stay."""
        target = tree.this
        name = table_name(target)
        frame = self._temp_or_stored(name)
        alias = target.alias or name
        numbered = frame.withColumn("__toex_rid", F.monotonically_increasing_id()).localCheckpoint()
        sets = {eq.this.name.lower(): eq.expression for eq in tree.expressions}
        unknown = set(sets) - {f.name.lower() for f in frame.schema.fields}
        if unknown:
            raise EngineError(f"spark: UPDATE {name}: no column {', '.join(sorted(unknown))}")
        values = ", ".join(f"({to_spark(v)}) AS `__toex_set_{c}`" for c, v in sets.items())
        from_ = tree.args.get("from_")
        where = tree.args.get("where")
        numbered.createOrReplaceTempView("__toex_update")
        try:
            matched = self.spark.sql(
                f"SELECT `{alias}`.__toex_rid, true AS __toex_hit, {values} FROM __toex_update AS `{alias}`"
                + (f", {to_spark(from_.this)}" if from_ is not None else "")
                + (f" WHERE {to_spark(where.this)}" if where is not None else "")
            ).dropDuplicates(["__toex_rid"])
            joined = numbered.join(matched, "__toex_rid", "left")
            result = joined.select(*[
                F.when(F.col("__toex_hit"), F.col(f"`__toex_set_{f.name.lower()}`").cast(f.dataType))
                .otherwise(F.col(f"`{f.name}`")).alias(f.name) if f.name.lower() in sets else F.col(f"`{f.name}`")
                for f in frame.schema.fields]).localCheckpoint()
        finally:
            self.spark.catalog.dropTempView("__toex_update")
        self._replace(name, result)

    def _temp_or_stored(self, name: str) -> DataFrame:
        if name in self._temps:
            return self.spark.table(name)
        return self._frame(name)

    def _delete(self, tree: exp.Delete) -> None:
        name = table_name(tree.this)
        where = tree.args.get("where")
        frame = self._temp_or_stored(name)
        if where is None:
            kept = frame.limit(0)
        else:
            condition = to_spark(where.this)
            kept = self.spark.sql(f"SELECT * FROM `{name}` WHERE NOT coalesce(({condition}), false)")
        self._replace(name, kept)

    def _drop(self, tree: exp.Drop) -> None:
        for target in tree.args.get("tables") or [tree.this]:
            self._drop_one(table_name(target), bool(tree.args.get("exists")))

    def _drop_one(self, name: str, if_exists: bool) -> None:
        if name in self._temps:
            self.spark.catalog.dropTempView(name)
            self._temps.discard(name)
        elif name in self._stored or (self._pending is not None and name in self._pending):
            with self.transaction():
                assert self._pending is not None
                self._pending.pop(name, None)
                self._dropped.add(name)
                self.spark.catalog.dropTempView(name)
        elif not if_exists:
            raise EngineError(f"spark: no table {name!r} to drop")

    # -- the rest of the surface ----------------------------------------------
    def fetch_arrow(self, sql: str, params: Params = None) -> pa.Table:
        tree = parse(bind(sql, params))
        table: pa.Table = self._query(tree).toArrow()
        return table

    def register(self, name: str, table: pa.Table) -> None:
        self._set_temp(name, _arrow_to_spark(self.spark, table))

    def unregister(self, name: str) -> None:
        self.spark.catalog.dropTempView(name)
        self._temps.discard(name)

    def table_exists(self, name: str) -> bool:
        if name in self._temps:
            return True
        if self._pending is not None and name in self._pending:
            return True
        return name in self._stored and name not in self._dropped

    def stage_csv(self, path: Path, table: str, options: CsvOptions) -> tuple[int, tuple[Reject, ...]]:
        _check_text(path, options.encoding)
        schema = T.StructType([T.StructField(c, T.StringType()) for c in options.columns]
                              + [T.StructField("__corrupt", T.StringType())])
        try:
            raw = self.spark.read.csv(
                str(path), schema=schema, header=True, mode="PERMISSIVE", columnNameOfCorruptRecord="__corrupt",
                multiLine=True, sep=options.delimiter, quote='"', escape='"', encoding=_spark_charset(options.encoding),
                enforceSchema=True)
            numbered = _numbered(raw, path.name).localCheckpoint(eager=False)
            bad_rows = F.filter(F.collect_list(F.struct("__line", "__corrupt")), lambda r: r["__corrupt"].isNotNull())
            summary = numbered.agg(F.count_if(F.col("__corrupt").isNull()), bad_rows).collect()[0]
        except Exception as exc:
            raise UnreadableFileError(path, f"cannot be read: {_first_line(exc)}") from exc
        bad = sorted((int(r[0]), str(r[1])) for r in summary[1])
        rejects = tuple(Reject(line, _reject_reason(raw_text, options), raw_text) for line, raw_text in bad)
        self._set_temp(table, numbered.where("__corrupt IS NULL").drop("__corrupt"))
        return int(summary[0]), rejects

    def stage_parquet(self, path: Path, table: str) -> tuple[tuple[str, ...], int]:
        try:
            raw = self.spark.read.parquet(str(path))
            names = tuple(f.name for f in raw.schema.fields
                          if not isinstance(f.dataType, T.StructType | T.ArrayType | T.MapType))
            self._set_temp(table, _numbered(raw.select(*[F.col(f"`{n}`").cast("string").alias(n) for n in names]),
                                            path.name))
        except Exception as exc:
            text = _first_line(exc)
            reason = "not a readable Parquet file" if "parquet" in text.lower() else f"cannot be read: {text}"
            raise UnreadableFileError(path, reason) from exc
        return names, self.count(table)

    def splink_backend(self) -> DatabaseAPI[Any]:
        from splink import SparkAPI

        backend: DatabaseAPI[Any] = SparkAPI(  # type: ignore[no-untyped-call]
            spark_session=self.spark, break_lineage_method="persist")
        return backend

    def close(self) -> None:
        for name in list(self._temps) + list(self._stored):
            self.spark.catalog.dropTempView(name)
        self._temps.clear()
        self._stored.clear()


def _bounded(frame: DataFrame, spark: SparkSession) -> DataFrame:
    """``frame`` in at most twice the default parallelism of partitions (unions of many loads add up)."""
    most = 2 * spark.sparkContext.defaultParallelism
    return frame.coalesce(most) if frame.rdd.getNumPartitions() > most else frame


def _numbered(frame: DataFrame, file: str) -> DataFrame:
    """Rows in file order with ``__file`` and ``__line`` (the header is line 1)."""
    ordered = frame.withColumn("__order", F.monotonically_increasing_id())
    line = (F.row_number().over(Window.orderBy("__order")) + 1).cast("bigint")
    return ordered.select(*[F.col(f"`{c}`") for c in frame.columns], F.lit(file).alias("__file"),
                          line.alias("__line"))


def _align(source: DataFrame, target: T.StructType, listed: list[str] | None, table: str) -> DataFrame:
    """Source rows shaped as ``target``: by position, or by the listed columns (others NULL)."""
    names = listed if listed is not None else [f.name for f in target.fields]
    if len(source.columns) != len(names):
        raise EngineError(f"spark: INSERT INTO {table} gives {len(source.columns)} columns for {len(names)}")
    renamed = source.toDF(*[f"__c{i}" for i in range(len(names))])
    by_name = {n.lower(): f"__c{i}" for i, n in enumerate(names)}
    return renamed.select(*[
        (F.col(by_name[f.name.lower()]) if f.name.lower() in by_name else F.lit(None)).cast(f.dataType).alias(f.name)
        for f in target.fields])


def _reject_reason(raw: str, options: CsvOptions) -> str:
    """Why a record could not be split, in the words DuckDB's reader uses (so both engines agree)."""
    if raw.count('"') % 2:
        return "unquoted value: Value with unterminated quote found."
    fields = next(csv.reader(io.StringIO(raw), delimiter=options.delimiter), [])
    expected, found = len(options.columns), len(fields)
    if found > expected:
        return f"too many columns: Expected Number of Columns: {expected} Found: {found}"
    if found < expected:
        return f"missing columns: Expected Number of Columns: {expected} Found: {found}"
    return "invalid record: the CSV parser could not split this record"


#: Python's codec names -> the charsets Spark's CSV reader accepts.
_SPARK_CHARSETS = {"utf-8": "utf-8", "iso8859-1": "iso-8859-1", "ascii": "us-ascii", "utf-16": "utf-16",
                   "utf-16-be": "utf-16be", "utf-16-le": "utf-16le", "utf-32": "utf-32"}


def _spark_charset(encoding: str) -> str:
    """The Spark name of an encoding ('latin-1' -> 'iso-8859-1')."""
    name = codecs.lookup(encoding).name
    if name not in _SPARK_CHARSETS:
        raise EngineError(f"spark: the CSV reader cannot read {encoding!r}; use one of {', '.join(_SPARK_CHARSETS)}")
    return _SPARK_CHARSETS[name]


def _check_text(path: Path, encoding: str) -> None:
    """Refuse a file that is not valid text in its encoding (Spark would replace bad bytes silently)."""
    try:
        decoder = codecs.getincrementaldecoder(encoding)()
    except LookupError as exc:
        raise UnreadableFileError(path, f"unknown encoding {encoding!r}") from exc
    lines = 1
    with path.open("rb") as handle:
        while block := handle.read(_UTF8_CHUNK):
            try:
                decoder.decode(block)
            except UnicodeDecodeError as exc:
                line = lines + block[: exc.start].count(b"\n")
                raise UnreadableFileError(
                    path, f"not UTF-8 text (line {line}); re-save the file as UTF-8 (or name its encoding in "
                          "the mapping)") from exc
            lines += block.count(b"\n")
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            raise UnreadableFileError(path, "not UTF-8 text (truncated at the end of the file)") from exc


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
