"""Analyst review in a real browser: Playwright driving Debian's chromium against the real
server (``geomap serve`` in a subprocess, tiles off, so nothing may leave 127.0.0.1), as in
test_browser.py, whose page watch this module reuses: a console error, an uncaught
exception, a failed request, an HTTP error, a request to any other host or a dialog fails
the test.

Correct a mention from its popup and see the point move; undo it and see it come back;
search the gazetteer from the form; decide a whole surface form from the review queue and
see the decision applied to an article ingested afterwards (``geomap ingest``).
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from geomap.model import DOUBTFUL_BELOW

from test_browser import (TIMEOUT_MS, Watch, assert_inert, fetch, running_server, wait_ready)
from test_browser import browser, watched  # noqa: F401  (the same chromium and page fixtures, shared by name)

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"

JAMAICA = "gn:3489854"  # Kingston, Jamaica: geomap's choice for a bare "Kingston"
ONTARIO = "gn:5992500"  # Kingston, Ontario, Canada
ONTARIO_LON_LAT = [-76.48098, 44.22976]
JAMAICA_LON_LAT = [-76.79358, 17.99702]
VIRGINIA = "gn:4744091"  # Alexandria, Virginia, US
VIRGINIA_LON_LAT = [-77.04692, 38.80484]
IMG = "<img src=x onerror=alert(1)>"

ARTICLES = [
    ("Talks resume", "Talks in Alexandria resumed on Monday after a pause.", date(2026, 4, 1)),
    ("Negotiators return", "Negotiators returned to Alexandria, officials said.", date(2026, 4, 2)),
    ("Ferry", "A ferry reached Alexandria at dawn.", date(2026, 4, 3)),
    ("Kingston <b>bold</b> report", f"Sources in Kingston said {IMG} on Monday.", date(2026, 4, 4)),
    ("Springfield meeting", "Officials met in Springfield on Monday. The mayor of Springfield spoke.",
     date(2026, 4, 5)),
    ("Kyiv and Kharkiv", "Shelling hit Kyiv and Kharkiv overnight.", date(2026, 4, 6)),
]


# -- fixtures --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def stored(tmp_path_factory, geoparser) -> dict:
    from geomap.model import Article
    from geomap.services import ingest
    from geomap.store import connect

    db = tmp_path_factory.mktemp("review-browser") / "geomap.sqlite"
    engine = connect(f"sqlite:///{db}")
    summary = ingest(engine, [Article(title=t, text=x, published=d, origin=t) for t, x, d in ARTICLES],
                     parser=geoparser)
    assert summary.added == len(ARTICLES) and not summary.failed, summary.line()
    engine.dispose()
    return {"db": db, "ids": dict(zip([t for t, _, _ in ARTICLES], summary.article_ids))}


@pytest.fixture(scope="module")
def server(stored, data_dir, tmp_path_factory):
    # Open the gazetteer (the search endpoint) before a page waits for it.
    with running_server(stored["db"], data_dir, tmp_path_factory.mktemp("review-server"),
                        warm=("/api/gazetteer/search?q=Kyiv",)) as base:
        yield base


# -- helpers ---------------------------------------------------------------------------

def api_features(server: str, query: str = "") -> list[dict]:
    return json.loads(fetch(f"{server}/api/places.geojson?{query}"))["features"]


def open_map(page, url: str) -> int:
    page.goto(url)
    return wait_ready(page)


def drawn_points(page) -> list[list[float]]:
    """[lon, lat] of every circle marker on the page's folium map (clustered or not)."""
    return page.evaluate("""() => {
        const map = window[document.querySelector('.folium-map').id];
        const found = [];
        const visit = (layer) => {
            if (layer.getLayers) { layer.getLayers().forEach(visit); }
            else if (layer instanceof L.CircleMarker) {
                const p = layer.getLatLng(); found.push([Math.round(p.lng * 1e5) / 1e5, Math.round(p.lat * 1e5) / 1e5]);
            }
        };
        map.eachLayer((layer) => { if (layer.getLayers) { visit(layer); } });
        return [...new Set(found.map((p) => JSON.stringify(p)))].map((p) => JSON.parse(p)).sort();
    }""")


def wait_form(page) -> None:
    page.wait_for_selector("body[data-correct-ready='1']", state="attached")
    page.wait_for_load_state("networkidle")


def submit(page, selector: str, landed) -> None:
    """Click a form's submit button and wait for the page the POST redirects to."""
    with page.expect_navigation(url=landed):
        page.click(selector)
    page.wait_for_load_state("networkidle")


def rounded(coordinates) -> list[float]:
    return [round(c, 5) for c in coordinates]


# -- tests -----------------------------------------------------------------------------

def test_doubtful_places_stand_out_and_filter(watched, server, stored):
    page = watched.page
    everything = open_map(page, server + "/")
    doubtful = [f for f in api_features(server) if f["properties"]["doubtful_count"] > 0]
    assert {f["properties"]["name"] for f in doubtful} == {"Alexandria", "Kingston", "Springfield"}
    assert page.locator("path.gm-doubtful-marker").count() >= 1
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "map-doubtful.png"))
    page.check("input[name=review]")
    page.click(".gm-filters button[type=submit]")
    page.wait_for_url("**review=1*")
    assert wait_ready(page) == len(api_features(server, "review=1")) == len(doubtful) < everything
    assert "review=1" in page.locator("#gm-download-geojson").get_attribute("href")
    assert page.is_checked("input[name=review]")


def test_correct_from_the_popup_then_undo(watched, server, stored):
    page = watched.page
    article = stored["ids"]["Kingston <b>bold</b> report"]
    view = f"/?article={article}"
    assert open_map(page, server + view) == 1
    assert drawn_points(page) == [JAMAICA_LON_LAT]
    assert page.locator("path.gm-doubtful-marker").count() == 1  # the amber outline

    # The popup marks the doubtful mention and links to its form.
    page.locator("path.leaflet-interactive").first.click()
    popup = page.locator(".leaflet-popup-content .gm-popup")
    popup.wait_for()
    doubt = re.search(r"\? doubtful \(score (0\.\d\d)\)", popup.inner_text())
    assert doubt and float(doubt.group(1)) < DOUBTFUL_BELOW, popup.inner_text()
    assert IMG in popup.inner_text()
    assert_inert(page)
    popup.locator("a.gm-correct").click()
    page.wait_for_url(lambda url: re.search(r"/mentions/\d+/correct\?next=", url) is not None)
    wait_form(page)
    assert page.inner_text("h1") == "Which place is “Kingston”?"
    assert IMG in page.inner_text("#gm-correct-passage")
    assert_inert(page)
    assert page.is_checked(f"input[name=place][value='{JAMAICA}']")
    # The candidates are on the small map; clicking a radio chooses, and so does the map.
    assert page.locator("#gm-candidate-map path.leaflet-interactive").count() >= 5
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "correct.png"), full_page=True)
    page.check(f"input[name=place][value='{ONTARIO}']")
    submit(page, "#gm-apply", lambda url: url.endswith(view))

    # Back on the map view the popup came from: the point moved to Kingston, Ontario.
    assert wait_ready(page) == 1
    assert "Corrected 1 mention of “Kingston”: Kingston (CA)." in page.inner_text(".gm-notices")
    (moved,) = api_features(server, f"article={article}")
    assert moved["properties"]["country_code"] == "CA" and moved["geometry"]["coordinates"] == ONTARIO_LON_LAT
    assert moved["properties"]["mentions"][0]["corrected"] is True
    assert drawn_points(page) == [ONTARIO_LON_LAT]
    assert page.locator("path.gm-doubtful-marker").count() == 0
    page.locator("path.leaflet-interactive").first.click()
    assert "corrected by an analyst" in page.locator(".leaflet-popup-content .gm-popup").inner_text()

    # Undo: the point goes back.
    submit(page, ".gm-notices form.gm-undo button", lambda url: url.endswith(view))
    assert wait_ready(page) == 1
    assert "Undone: 1 mention back" in page.inner_text(".gm-notices")
    (back,) = api_features(server, f"article={article}")
    assert back["properties"]["country_code"] == "JM" and back["geometry"]["coordinates"] == JAMAICA_LON_LAT
    assert back["properties"]["mentions"][0]["corrected"] is False
    assert drawn_points(page) == [JAMAICA_LON_LAT]
    assert page.locator("path.gm-doubtful-marker").count() == 1


def test_search_the_gazetteer_from_the_form(watched, server, stored):
    page = watched.page
    article = stored["ids"]["Springfield meeting"]
    page.goto(f"{server}/articles/{article}")
    page.wait_for_load_state("networkidle")
    page.locator("a.gm-correct-link").first.click()
    page.wait_for_url("**/mentions/*/correct")
    wait_form(page)
    points = page.locator("#gm-candidate-map path.leaflet-interactive").count()
    page.fill("#gm-search-input", "Donbas")
    page.press("#gm-search-input", "Enter")
    page.wait_for_selector("body[data-search-ready='1']", state="attached")
    assert page.url.endswith("/correct")  # no navigation: the results came as JSON
    assert page.locator("#gm-search-results input[value='curated:donbas']").count() == 1
    assert page.locator("#gm-candidate-map path.leaflet-interactive").count() == points + 1
    assert page.input_value("#gm-search-q-used") == "Donbas"
    page.check("#gm-search-results input[value='curated:donbas']")
    submit(page, "#gm-apply", lambda url: f"/articles/{article}#mention-" in url)
    assert "Corrected 1 mention of “Springfield”: Donbas (UA)." in page.inner_text(".gm-notices")
    first = page.locator(".gm-text a.gm-mention").first
    assert "gm-corrected" in first.get_attribute("class")
    assert "Donbas (region, UA), corrected by analyst (automatic: Springfield)" in first.get_attribute("title")
    # Leave the store as it was for the other tests.
    submit(page, ".gm-notices form.gm-undo button", lambda url: url.endswith(f"/articles/{article}"))
    assert "Undone: 1 mention back" in page.inner_text(".gm-notices")
    assert page.locator(".gm-text a.gm-corrected").count() == 0


def test_surface_decision_applies_to_a_new_ingest(watched, server, stored, data_dir, tmp_path):
    page = watched.page
    page.goto(server + "/review")
    page.wait_for_load_state("networkidle")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "review.png"), full_page=True)
    groups = page.locator(".gm-review-group")
    assert groups.first.get_attribute("data-surface-key") == "alexandria"  # the biggest group first
    assert "3 mentions" in groups.first.inner_text()
    groups.first.locator("a.gm-decide").click()
    page.wait_for_url(lambda url: re.search(r"/mentions/\d+/correct\?scope=surface", url) is not None)
    wait_form(page)
    assert page.is_checked("input[name=scope][value=surface]")
    assert page.is_enabled("#gm-country")
    page.check("input[name=scope][value=mention]")
    assert page.is_disabled("#gm-country")  # the country condition is for surface-wide decisions only
    page.check("input[name=scope][value=surface]")
    page.check(f"input[name=place][value='{VIRGINIA}']")
    submit(page, "#gm-apply", lambda url: url.endswith("/review"))
    assert "Corrected 3 mentions of “Alexandria”: Alexandria (US)." in page.inner_text(".gm-notices")
    assert page.locator(".gm-review-group[data-surface-key='alexandria']").count() == 0
    virginia = [f for f in api_features(server, "q=Alexandria") if f["properties"]["country_code"] == "US"]
    assert len(virginia) == 1 and virginia[0]["properties"]["mention_count"] == 3
    assert virginia[0]["geometry"]["coordinates"] == VIRGINIA_LON_LAT

    # A new article, ingested from the command line, gets the decision too.
    new = tmp_path / "later.txt"
    new.write_text("Delegates in Alexandria\nDate: 2026-05-01\n\nDelegates flew to Alexandria on Tuesday.\n",
                   encoding="utf-8")
    env = dict(os.environ, GEOMAP_DATA_DIR=str(data_dir))
    env.pop("GEOMAP_DB", None)
    result = subprocess.run([sys.executable, "-m", "geomap.cli", "ingest", "--db", str(stored["db"]), str(new)],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    listed = json.loads(fetch(server + "/api/articles?_size=100"))["articles"]
    (later,) = [a["id"] for a in listed if a["title"] == "Delegates in Alexandria"]

    page.goto(f"{server}/articles/{later}")
    page.wait_for_load_state("networkidle")
    mention = page.locator(".gm-text a.gm-mention")
    assert mention.count() == 1 and mention.inner_text() == "Alexandria"
    assert "gm-corrected" in mention.get_attribute("class")
    assert "Alexandria (town, US), corrected by analyst (automatic: Alexandria)" in mention.get_attribute("title")
    assert page.locator("table.gm-places tbody tr td").nth(2).inner_text() == "US"
    # And on its map, the point is in Virginia.
    assert open_map(page, f"{server}/?article={later}") == 1
    assert drawn_points(page) == [VIRGINIA_LON_LAT]
    assert rounded(api_features(server, f"article={later}")[0]["geometry"]["coordinates"]) == VIRGINIA_LON_LAT
