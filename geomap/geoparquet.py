"""The export as GeoParquet (spec 1.1): one Point row per mention or per place, read back by
geopandas and dask-geopandas.

Rows stream from one database snapshot into row groups of bounded size, so memory does not
grow with the number of mentions. The output is a file, or a directory of part files
(``part-00000.parquet``, ...) that dask-geopandas reads as partitions; either is written
under a temporary name beside the target and renamed into place only when complete.
"""
from __future__ import annotations

import json
import os
import shutil
import struct
import uuid
from contextlib import contextmanager
from itertools import chain, islice
from pathlib import Path
from typing import Iterable, Iterator

import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy.engine import Connection, Engine

from geomap.export import CSV_COLUMNS, GRANULARITIES, mention_record, place_record
from geomap.query import Filters, iter_mentions, iter_places
from geomap.store import snapshot

GEOPARQUET_VERSION = "1.1.0"
ROW_GROUP_ROWS = 50_000  # rows held in memory at once, and written as one row group
PART_ROWS = 500_000  # rows per part file of a directory export: a comfortable dask partition
PART_NAME = "part-{:05d}.parquet"

# The CSV export's columns with their types; nullable where the store has no value
# (an undated article, a place without a GeoNames id, a mention no analyst corrected).
_MENTION_TYPES = {
    "article_id": pa.int64(), "article_title": pa.string(), "published": pa.date32(), "article_url": pa.string(),
    "passage": pa.string(), "surface": pa.string(), "start": pa.int32(), "end": pa.int32(),
    "place_id": pa.int64(), "place_name": pa.string(), "kind": pa.string(), "country_code": pa.string(),
    "geonameid": pa.int64(), "lat": pa.float64(), "lon": pa.float64(), "score": pa.float64(),
    "precision": pa.int8(), "corrected": pa.bool_(), "automatic_place_id": pa.int64(),
}
# A place feature's properties, without the list of its mentions.
_PLACE_TYPES = {
    "place_id": pa.int64(), "geonameid": pa.int64(), "name": pa.string(), "country_code": pa.string(),
    "kind": pa.string(), "precision": pa.int8(), "mention_count": pa.int64(), "article_count": pa.int64(),
    "first_date": pa.date32(), "last_date": pa.date32(), "doubtful_count": pa.int64(), "corrected_count": pa.int64(),
}


def _schema(columns: list[str], types: dict) -> pa.Schema:
    """The columns in their order, then the WKB geometry (a KeyError names a column without a type)."""
    return pa.schema([*((name, types[name]) for name in columns), pa.field("geometry", pa.binary(), nullable=False)])


MENTION_SCHEMA = _schema(CSV_COLUMNS, _MENTION_TYPES)  # the same columns as the CSV, in its order
PLACE_SCHEMA = _schema(list(_PLACE_TYPES), _PLACE_TYPES)

# A 2D Point as ISO WKB: little-endian byte order (1), geometry type Point (1), x, y.
_WKB_POINT = struct.Struct("<BIdd")


class OutputError(Exception):
    """The output path cannot take a GeoParquet export; the message says why."""


def is_directory_target(output: str | os.PathLike) -> bool:
    """Partition files go to a directory: a path ending in a separator, or an existing directory."""
    text = os.fspath(output)
    return text.endswith(("/", os.sep)) or os.path.isdir(text)


def write_geoparquet(engine: Engine, filters: Filters, output: str | os.PathLike, *, granularity: str = "mention",
                     part_rows: int | None = None, row_group_rows: int = ROW_GROUP_ROWS) -> int:
    """Write the export under ``filters`` to ``output`` and return the number of rows.

    ``output`` names a file, or a directory (see ``is_directory_target``) that gets part
    files of at most ``part_rows`` rows each (at least one file, even for no rows).
    Mentions follow articles (by id, then text order), places their id, so each part
    covers a range of article (or place) ids.
    """
    if granularity not in GRANULARITIES:
        raise ValueError(f"granularity must be one of {', '.join(GRANULARITIES)}, got {granularity!r}")
    if row_group_rows < 1 or (part_rows is not None and part_rows < 1):
        raise ValueError("row_group_rows and part_rows must be at least 1")
    schema, records = (PLACE_SCHEMA, _place_records) if granularity == "place" else (MENTION_SCHEMA, _mention_records)
    as_directory = is_directory_target(output)
    target = Path(output)
    if as_directory:
        _check_replaceable(target)
    with _replacing(target, directory=as_directory) as temporary, snapshot(engine) as conn:
        rows = records(conn, filters)
        if as_directory:
            return _write_parts(temporary, schema, rows, part_rows or PART_ROWS, row_group_rows)
        return _write_file(temporary, schema, rows, row_group_rows)


def geo_metadata(bbox: list[float] | None) -> dict:
    """The file's "geo" metadata. No "crs": the spec's default, OGC:CRS84, is lon/lat as in GeoJSON."""
    column = {"encoding": "WKB", "geometry_types": ["Point"]}
    if bbox is not None:  # an empty file has no extent
        column["bbox"] = bbox
    return {"version": GEOPARQUET_VERSION, "primary_column": "geometry", "columns": {"geometry": column}}


# -- rows --------------------------------------------------------------------------

# Each record: (column values by name, lon, lat).
def _mention_records(conn: Connection, filters: Filters) -> Iterator[tuple[dict, float, float]]:
    for row in iter_mentions(conn, filters, order="article"):
        yield mention_record(row), row.lon, row.lat


def _place_records(conn: Connection, filters: Filters) -> Iterator[tuple[dict, float, float]]:
    for place in iter_places(conn, filters):
        yield place_record(place), place.lon, place.lat


def _batches(records: Iterator[tuple[dict, float, float]], schema: pa.Schema,
             size: int) -> Iterator[tuple[pa.RecordBatch, list[float]]]:
    """Record batches of at most ``size`` rows, each with its bbox.

    Values go straight into column lists as rows arrive: a batch then costs its values,
    not a dict per row as well.
    """
    names = schema.names[:-1]
    while True:
        columns: dict[str, list] = {name: [] for name in schema.names}
        lons, lats = [], []
        for values, lon, lat in islice(records, size):
            for name in names:
                columns[name].append(values[name])
            columns["geometry"].append(_WKB_POINT.pack(1, 1, lon, lat))
            lons.append(lon)
            lats.append(lat)
        if not lons:
            return
        yield pa.RecordBatch.from_pydict(columns, schema=schema), [min(lons), min(lats), max(lons), max(lats)]


def _union(box: list[float] | None, other: list[float]) -> list[float]:
    """The smallest [xmin, ymin, xmax, ymax] holding both boxes."""
    if box is None:
        return other
    return [min(box[0], other[0]), min(box[1], other[1]), max(box[2], other[2]), max(box[3], other[3])]


# -- files -------------------------------------------------------------------------

def _write_file(path: Path, schema: pa.Schema, records: Iterable, row_group_rows: int) -> int:
    """One GeoParquet file of ``records``, ``row_group_rows`` at a time; the number written."""
    bbox, count = None, 0
    # No Arrow schema in the file: it would carry the schema's metadata as it was when the
    # writer opened, before the bbox was known, and readers prefer it to the footer's.
    with pq.ParquetWriter(path, schema, compression="zstd", store_schema=False) as writer:
        for batch, batch_bbox in _batches(iter(records), schema, row_group_rows):
            writer.write_batch(batch, row_group_size=row_group_rows)
            bbox, count = _union(bbox, batch_bbox), count + batch.num_rows
        writer.add_key_value_metadata({"geo": json.dumps(geo_metadata(bbox))})
    return count


def _write_parts(directory: Path, schema: pa.Schema, records: Iterable, part_rows: int, row_group_rows: int) -> int:
    """Part files of at most ``part_rows`` rows; the first is written even when there are none."""
    records = iter(records)
    total = _write_file(directory / PART_NAME.format(0), schema, islice(records, part_rows), row_group_rows)
    index = 1
    # Look one record ahead, so a result that fills the last part exactly leaves no empty part after it.
    while (first := next(records, None)) is not None:
        part = chain([first], islice(records, part_rows - 1))
        total += _write_file(directory / PART_NAME.format(index), schema, part, row_group_rows)
        index += 1
    return total


# -- writing atomically ------------------------------------------------------------

def _check_replaceable(directory: Path) -> None:
    """An existing directory is replaced only when it holds nothing but part files (an earlier
    export): anything else in it would be lost with it."""
    if not directory.is_dir():
        if directory.exists():
            raise OutputError(f"{directory} is a file, not a directory: give a directory for part files")
        return
    others = sorted(p.name for p in directory.iterdir() if not (p.is_file() and _is_part_name(p.name)))
    if others:
        shown = ", ".join(others[:3]) + (", ..." if len(others) > 3 else "")
        raise OutputError(f"{directory} holds files other than part-*.parquet ({shown}): "
                          "give a new or empty directory")


def _is_part_name(name: str) -> bool:
    return name.startswith("part-") and name.endswith(".parquet")


@contextmanager
def _replacing(target: Path, *, directory: bool) -> Iterator[Path]:
    """A temporary path beside ``target`` that becomes ``target`` when the block succeeds.

    On any failure (an error, Ctrl-C) the temporary path goes and ``target`` stays as it was.
    """
    target = target.absolute()
    temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex[:12]}.tmp")
    _create(temporary, directory=directory)
    try:
        yield temporary
        if directory:
            _swap_directory(temporary, target)
        else:
            if target.is_file():  # a file replaced keeps its permissions
                os.chmod(temporary, target.stat().st_mode & 0o7777)
            os.replace(temporary, target)
    except BaseException:
        _remove(temporary)
        raise


def _create(path: Path, *, directory: bool) -> None:
    # With the umask's permissions, as any new file gets (tempfile's would be private to the owner).
    if directory:
        path.mkdir(mode=0o777)
    else:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))


def _swap_directory(new: Path, target: Path) -> None:
    """A directory cannot replace a non-empty one in one rename: move the old one aside first."""
    if not target.exists():
        os.replace(new, target)
        return
    old = target.with_name(f".{target.name}.{uuid.uuid4().hex[:12]}.old")
    os.replace(target, old)
    try:
        os.replace(new, target)
    except BaseException:
        os.replace(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
