"""The map service in a real browser: Playwright driving Debian's chromium against the real
server (``geomap serve`` in a subprocess, tiles off, so nothing may leave 127.0.0.1).

Every page a test opens is watched: a console error, an uncaught exception, a failed
request, an HTTP error, a request to any other host or any dialog (alert/confirm/prompt)
fails the test. The map screenshot is saved to ``tests/artifacts/map.png``.
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from urllib.parse import urlencode, urljoin, urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-quic"]
TIMEOUT_MS = 20_000

# The hostile article: every payload sits in a sentence that names a real place, so it
# reaches the popups, the article page and the place page.
IMG = "<img src=x onerror=alert(1)>"
SCRIPT = "</script><script>alert(2)</script>"
TEMPLATE = "${alert(3)}"
BACKTICK = "\\`-alert(4)-\\`"  # backslash, backtick: breaks out of a JS template literal
BACKTICK2 = "\\\\`-alert(5)-\\\\`"  # two backslashes, backtick: the other escaping mistake
HOSTILE_TITLE = 'Quote "test" & <b>bold</b> `tick`'
HOSTILE_TEXT = (f"Reporters in Kyiv received a message reading {IMG} and another with {SCRIPT} in it. "
                f"A template string {TEMPLATE} appeared in Odesa, followed by {BACKTICK} and {BACKTICK2} "
                "on the same day.")
HOSTILE_DATE = date(2026, 3, 3)
PAYLOADS = (IMG, SCRIPT, TEMPLATE, BACKTICK, BACKTICK2)
FIRST_SAMPLE_DATE = "2026-01-14"  # samples/01-eastern-front-donetsk.txt, the earliest


# -- fixtures --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def stored(tmp_path_factory, geoparser) -> dict:
    """A database with the bundled samples (dated) and the hostile article."""
    from geomap.model import Article
    from geomap.readers import iter_articles
    from geomap.samples import sample_paths
    from geomap.services import ingest
    from geomap.store import connect

    db = tmp_path_factory.mktemp("browser") / "geomap.sqlite"
    engine = connect(f"sqlite:///{db}")
    samples = ingest(engine, iter_articles([str(p) for p in sample_paths()]), parser=geoparser)
    assert samples.added == len(sample_paths()) and not samples.failed, samples.line()
    hostile = ingest(engine, [Article(title=HOSTILE_TITLE, text=HOSTILE_TEXT, published=HOSTILE_DATE,
                                      source="hostile test")], parser=geoparser)
    assert hostile.added == 1, hostile.line()
    engine.dispose()
    return {"db": db, "hostile_id": hostile.article_ids[0]}


@contextmanager
def running_server(db: Path, data_dir: Path, log_dir: Path, *, warm: tuple[str, ...] = (),
                   settings: dict[str, str] | None = None):
    """The real server (``geomap serve``) over ``db`` on a free port, tiles off; yields its base URL.

    ``warm`` paths are fetched before the URL is handed out, so no page waits for a first build;
    ``settings`` are GEOMAP_* environment variables for this server."""
    port = _free_port()
    env = dict(os.environ, GEOMAP_DATA_DIR=str(data_dir), GEOMAP_TILES_URL="", **(settings or {}))
    env.pop("GEOMAP_DB", None)
    env.pop("GEOMAP_WRITE_TOKEN", None)
    log_path = log_dir / "server.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "geomap.cli", "serve", "--host", "127.0.0.1", "--port",
                                 str(port), "--db", str(db)], cwd=ROOT, env=env, stdout=log,
                                stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                pytest.fail(f"geomap serve exited with {proc.returncode}:\n{log_path.read_text(errors='replace')}")
            try:
                with urllib.request.urlopen(base + "/api/articles", timeout=5) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"geomap serve did not answer in 60 s:\n{log_path.read_text(errors='replace')}")
            time.sleep(0.2)
        for path in ("/basemap/countries.geojson", *warm):  # build the offline outlines once now
            fetch(base + path, timeout=300)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def server(stored, data_dir, tmp_path_factory):
    with running_server(stored["db"], data_dir, tmp_path_factory.mktemp("server")) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Debian chromium not installed ({CHROMIUM}): apt-get install chromium")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install playwright)")
    with sync_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


class Watch:
    """Everything a page did that a healthy offline page never does."""

    def __init__(self, page, base: str):
        self.page = page
        self.host = urlsplit(base).hostname
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.failed: list[tuple[str, str]] = []
        self.outside: list[str] = []
        self.dialogs: list[str] = []
        self.downloads: set[str] = set()
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        page.on("requestfailed", self._failed)
        page.on("download", lambda download: self.downloads.add(download.url))
        page.on("response", self._response)
        page.on("request", self._request)
        page.on("dialog", self._dialog)

    def _console(self, message) -> None:
        if message.type == "error":
            self.console_errors.append(f"{message.text} ({message.location.get('url')})")

    def _failed(self, request) -> None:
        self.failed.append((request.url, f"{request.method} {request.url}: {request.failure}"))

    def _response(self, response) -> None:
        if response.status >= 400:
            self.failed.append((response.url, f"{response.request.method} {response.url}: HTTP {response.status}"))

    def _request(self, request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in ("data", "blob", "about"):
            return
        if parts.hostname != self.host:
            self.outside.append(request.url)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def problems(self) -> dict[str, list[str]]:
        # Chromium reports a navigation that became a download as aborted: that one is fine.
        failed = [text for url, text in self.failed
                  if not (url in self.downloads and text.endswith("net::ERR_ABORTED"))]
        found = {"dialogs": self.dialogs, "console errors": self.console_errors, "page errors": self.page_errors,
                 "failed requests": failed, "requests outside 127.0.0.1": self.outside}
        return {name: items for name, items in found.items() if items}

    def check(self) -> None:
        problems = self.problems()
        assert not problems, "the page misbehaved:\n" + json.dumps(problems, indent=2, ensure_ascii=False)


@pytest.fixture
def watched(browser, server):
    """A fresh page in a fresh context, watched; checked again at teardown."""
    context = browser.new_context(viewport={"width": 1280, "height": 860}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    watch = Watch(page, server)
    try:
        yield watch
        page.wait_for_load_state("networkidle")
        watch.check()
    finally:
        context.close()


# -- helpers ---------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str, timeout: float = 30) -> bytes:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        assert response.status == 200, url
        return response.read()


def api_features(server: str, **filters) -> list[dict]:
    query = urlencode({k: v for k, v in filters.items() if v is not None}, doseq=True)
    return json.loads(fetch(f"{server}/api/places.geojson?{query}"))["features"]


def open_map(page, url: str) -> int:
    """Open a map page, wait until its points are drawn; the number of points."""
    page.goto(url)
    return wait_ready(page)


def wait_ready(page) -> int:
    # A function, not an expression: Playwright polls an expression with eval(), which our CSP forbids.
    page.wait_for_function("() => ['1', 'error'].includes(document.body.dataset.mapReady)")
    state = page.evaluate("document.body.dataset.mapReady")
    assert state == "1", f"the map data failed to load: {page.inner_text('#gm-status')}"
    page.wait_for_load_state("networkidle")  # the outlines too, before anything navigates away
    return int(page.evaluate("document.body.dataset.mapCount"))


def settle(page) -> int:
    """Wait until the map has stopped moving (zoom animations end, the viewport refetch is
    scheduled) and its data is drawn; the number of features."""
    page.wait_for_timeout(700)
    return wait_ready(page)


def close_popup(page) -> None:
    """Close the open popup (folium's map is the global named after its div)."""
    page.evaluate("() => { const div = document.querySelector('.folium-map'); window[div.id].closePopup(); }")
    page.wait_for_selector(".leaflet-popup", state="detached")


def open_popups(page) -> list[dict]:
    """Click every drawn marker in turn; each popup's text, marks, links and title."""
    markers = page.locator("path.leaflet-interactive")
    count = markers.count()
    assert count > 0, "no marker is drawn"
    popups = []
    for i in range(count):
        markers.nth(i).click()
        popup = page.locator(".leaflet-popup-content .gm-popup")
        popup.wait_for()
        assert_inert(page)  # while the popup is in the DOM
        popups.append({
            "name": popup.locator(".gm-place-name").inner_text(),
            "text": popup.inner_text(),
            "marks": popup.locator("mark").all_inner_texts(),
            "passages": popup.locator(".gm-passage").all_inner_texts(),
            "links": popup.locator(".gm-source a").evaluate_all("links => links.map(a => a.getAttribute('href'))"),
            "titles": popup.locator(".gm-source a").all_inner_texts(),
        })
        close_popup(page)
    return popups


def assert_inert(page) -> None:
    """No payload turned into markup (the CSP would stop most of them running: check the markup too)."""
    assert page.locator("img[src='x']").count() == 0, "the <img onerror> payload became an element"
    assert page.evaluate("[...document.querySelectorAll('b')].filter(b => b.textContent === 'bold').length") == 0, \
        "the title's <b> became an element"
    assert page.evaluate("[...document.scripts].filter(s => s.textContent.trim() === 'alert(2)').length") == 0, \
        "the </script><script> payload became a script"


# -- tests -----------------------------------------------------------------------------

def test_map_loads_with_points_offline(watched, server):
    page = watched.page
    count = open_map(page, server + "/")
    assert count > 0
    assert count == len(api_features(server))
    assert page.locator(".leaflet-interactive").count() > 0  # markers (regions, countries; towns if unclustered)
    assert page.locator(".leaflet-marker-icon.marker-cluster, path.leaflet-interactive").count() > 0
    assert page.inner_text("#gm-status") == f"{count} places"
    watched.check()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "map.png"), full_page=True)
    assert (ARTIFACTS / "map.png").stat().st_size > 10_000


def test_clicking_a_point_shows_its_passage(watched, server):
    page = watched.page
    assert open_map(page, server + "/?q=Bakhmut") == 1
    (popup,) = open_popups(page)
    assert popup["name"] == "Bakhmut"
    assert popup["marks"] and all(mark == "Bakhmut" for mark in popup["marks"])
    assert any("ruins of Bakhmut" in passage for passage in popup["passages"])
    assert "Shelling continues along the eastern front" in popup["titles"][0]
    assert "2026-01-14" in popup["text"]


def test_passage_link_opens_the_article_at_the_mention(watched, server):
    page = watched.page
    open_map(page, server + "/?q=Bakhmut")
    page.locator("path.leaflet-interactive").first.click()
    link = page.locator(".leaflet-popup-content .gm-source a").first
    href = link.get_attribute("href")
    surface = page.locator(".leaflet-popup-content mark").first.inner_text()
    path, _, fragment = href.partition("#")
    assert path.startswith("/articles/") and fragment.startswith("mention-"), href
    link.click()
    page.wait_for_url(f"**{path}#{fragment}")
    page.wait_for_load_state("networkidle")
    target = page.locator(f"#{fragment}")
    assert target.count() == 1, f"{href}: no element with id {fragment!r}"
    assert surface in target.inner_text()
    assert page.evaluate("document.querySelector(':target') && document.querySelector(':target').id") == fragment
    assert target.is_visible()


def test_date_filter_changes_the_points(watched, server):
    page = watched.page
    everything = open_map(page, server + "/")
    page.fill("input[name=since]", FIRST_SAMPLE_DATE)
    page.fill("input[name=until]", FIRST_SAMPLE_DATE)
    page.click(".gm-filters button[type=submit]")
    page.wait_for_url(f"**since={FIRST_SAMPLE_DATE}*")
    filtered = wait_ready(page)
    assert 0 < filtered < everything
    assert filtered == len(api_features(server, since=FIRST_SAMPLE_DATE, until=FIRST_SAMPLE_DATE))
    # The same view from a bookmarked URL.
    assert open_map(page, f"{server}/?since={FIRST_SAMPLE_DATE}&until={FIRST_SAMPLE_DATE}") == filtered


@pytest.mark.parametrize("query", ["", f"since={FIRST_SAMPLE_DATE}&until=2026-03-03", "q=sea", "country=UA"])
def test_geojson_download_matches_the_view(watched, server, query):
    page = watched.page
    count = open_map(page, f"{server}/?{query}")
    link = page.locator("#gm-download-geojson")
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename == "places.geojson"
    collection = json.loads(Path(download.path()).read_text(encoding="utf-8"))
    assert collection["type"] == "FeatureCollection"
    assert len(collection["features"]) == count
    # The link's URL fetched directly gives the same places.
    again = json.loads(fetch(urljoin(server + "/", link.get_attribute("href"))))
    assert sorted(f["properties"]["place_id"] for f in again["features"]) == \
        sorted(f["properties"]["place_id"] for f in collection["features"])


def test_hostile_article_stays_inert(watched, server, stored):
    page = watched.page
    hostile = stored["hostile_id"]

    # The map filtered to the hostile article: its two places, their popups.
    assert open_map(page, f"{server}/?article={hostile}") == 2
    popups = {p["name"]: p for p in open_popups(page)}
    assert set(popups) == {"Kyiv", "Odesa"}
    assert popups["Kyiv"]["marks"] == ["Kyiv"] and popups["Odesa"]["marks"] == ["Odesa"]
    kyiv_text, odesa_text = popups["Kyiv"]["text"], popups["Odesa"]["text"]
    assert IMG in kyiv_text and SCRIPT in kyiv_text
    assert TEMPLATE in odesa_text and BACKTICK in odesa_text and BACKTICK2 in odesa_text
    assert popups["Kyiv"]["titles"] == [HOSTILE_TITLE]
    assert any(HOSTILE_TITLE in t for t in page.locator("select[name=article] option").all_inner_texts())
    assert_inert(page)

    # The place search view: Kyiv's popup quotes the hostile passage.
    open_map(page, f"{server}/?q=Kyiv")
    texts = [p["text"] for p in open_popups(page) if p["name"] == "Kyiv"]
    assert texts and IMG in texts[0] and HOSTILE_TITLE in texts[0]
    assert_inert(page)

    # The article page and Kyiv's place page show every payload as text.
    kyiv = next(f for f in api_features(server, q="Kyiv") if f["properties"]["name"] == "Kyiv")
    for path in (f"/articles/{hostile}", f"/places/{kyiv['properties']['place_id']}", "/articles"):
        page.goto(server + path)
        page.wait_for_load_state("networkidle")
        body = page.inner_text("body")
        assert HOSTILE_TITLE in body, path
        if path != "/articles":
            wanted = PAYLOADS if path.startswith("/articles/") else (IMG, SCRIPT)
            for payload in wanted:
                assert payload in body, f"{path}: {payload!r} not shown as text"
        assert_inert(page)
    assert not watched.dialogs


def test_time_slider_moves_through_the_dates(watched, server):
    page = watched.page
    everything = open_map(page, server + "/")
    slider = page.locator("#gm-time")
    assert slider.count() == 1, "the data spans several dates: the map should offer a time slider"
    dates = json.loads(slider.get_attribute("data-dates"))
    assert dates[0] == FIRST_SAMPLE_DATE and len(dates) > 1
    page.evaluate("""() => { const s = document.getElementById('gm-time'); s.value = '0';
                             s.dispatchEvent(new Event('input')); s.dispatchEvent(new Event('change')); }""")
    first_day = wait_ready(page)
    assert 0 < first_day < everything
    assert first_day == len(api_features(server, until=FIRST_SAMPLE_DATE))
    assert FIRST_SAMPLE_DATE in page.inner_text("#gm-time-label")
    # And back to the end: everything again.
    page.evaluate(f"""() => {{ const s = document.getElementById('gm-time'); s.value = '{len(dates) - 1}';
                              s.dispatchEvent(new Event('change')); }}""")
    assert wait_ready(page) == everything


def test_download_follows_the_time_slider(watched, server):
    page = watched.page
    open_map(page, server + "/")
    page.evaluate("""() => { const s = document.getElementById('gm-time'); s.value = '0';
                             s.dispatchEvent(new Event('change')); }""")
    shown = wait_ready(page)
    href = page.locator("#gm-download-geojson").get_attribute("href")
    assert len(json.loads(fetch(urljoin(server + "/", href)))["features"]) == shown


def test_a_zoomed_out_map_over_many_places_shows_areas_then_places(browser, stored, data_dir, tmp_path):
    """Past MAP_MAX_POINTS places (3 here) the map gets grid cells with exact counts; a click
    on a cell zooms in and the map refetches its viewport until places come back, whose popups
    still fetch their passages."""
    with running_server(stored["db"], data_dir, tmp_path, settings={"GEOMAP_MAP_MAX_POINTS": "3"}) as base:
        context = browser.new_context(viewport={"width": 1280, "height": 860})
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        watch = Watch(page, base)
        try:
            open_map(page, base + "/")
            cells = settle(page)  # the first answer fits the map, which then asks for its viewport
            assert page.evaluate("document.body.dataset.mapAggregated") == "1"
            labels = page.locator(".gm-cell").all_inner_texts()
            assert len(labels) == cells >= 1
            total = sum(f["properties"]["mention_count"] for f in api_features(base))
            assert sum(int(label) for label in labels) == total  # the counts stay exact

            for _ in range(8):  # zoom into the busiest area until the view holds few enough places
                if page.evaluate("document.body.dataset.mapAggregated") == "0":
                    break
                texts = page.locator(".gm-cell").all_inner_texts()
                page.locator(".gm-cell").nth(max(range(len(texts)), key=lambda i: int(texts[i]))).click()
                settle(page)
            assert page.evaluate("document.body.dataset.mapAggregated") == "0", "never zoomed in to places"
            assert "bbox=" in page.evaluate("() => performance.getEntriesByType('resource')"
                                            ".map(e => e.name).filter(n => n.includes('places.geojson')).pop()")
            popups = open_popups(page)
            assert popups and all(p["passages"] for p in popups)
            page.wait_for_load_state("networkidle")
            watch.check()
        finally:
            context.close()
