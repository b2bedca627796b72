"""The report in a real browser (Playwright driving Debian's Chromium): loads clean, filters,
highlights exact spans, runs none of the corpus's script payloads, and screenshots the seed map."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from urllib.parse import quote

import pytest
from conftest import ROOT
from report_fixtures import CONTEXT_MOVED, PAYLOADS, make_corpus

from pipeline.results.report import render_report

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TEST_OUTPUT = ROOT / "test-output"

if not Path(CHROMIUM).exists():  # `make test` installs it first (target `browser`)
    pytest.skip(f"{CHROMIUM} is not installed: run `make browser` (apt-get install chromium)",
                allow_module_level=True)
playwright_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


class Page:
    """A page that records console errors, page errors and dialogs."""

    def __init__(self, browser, width=1400, height=1000):
        self.page = browser.new_page(viewport={"width": width, "height": height})
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda m: m.type in ("error", "warning") and self.errors.append(f"{m.type}: {m.text}"))
        self.page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))

    def open(self, path: Path, hash_: str = ""):
        self.page.goto(path.resolve().as_uri() + hash_)
        self.page.wait_for_selector("body[data-ready='1']", timeout=15000)
        return self.page


@pytest.fixture
def page(browser):
    pages = []

    def make(**kw):
        p = Page(browser, **kw)
        pages.append(p)
        return p

    yield make
    for p in pages:
        p.page.close()


@pytest.fixture(scope="module")
def fixture_report(tmp_path_factory):
    argmap, documents = make_corpus()
    path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_text(render_report(argmap, documents), encoding="utf-8")
    return path, argmap


@pytest.fixture(scope="module")
def payload_report(tmp_path_factory):
    argmap, documents = make_corpus(payload=True)
    path = tmp_path_factory.mktemp("payload") / "report.html"
    path.write_text(render_report(argmap, documents), encoding="utf-8")
    return path, argmap


def wait_until(pg, expression: str, timeout_s: float = 5.0) -> None:
    """Poll an expression (the page's CSP forbids eval, which wait_for_function needs)."""
    for _ in range(int(timeout_s / 0.05)):
        if pg.evaluate(expression):
            return
        pg.wait_for_timeout(50)
    raise AssertionError(f"never true: {expression}")


def _claim_count(pg) -> int:
    return int(pg.get_attribute("#match-count", "data-count"))


def test_page_loads_without_console_errors(page, fixture_report):
    path, argmap = fixture_report
    p = page()
    pg = p.open(path)
    assert pg.locator(".pos-card").count() == len(argmap["positions"])
    assert pg.locator("#graph .node.claim").count() == len(argmap["claims"])
    assert pg.locator("#graph .node.kp").count() >= 3
    assert pg.locator(".kp-card").count() == 3
    assert _claim_count(pg) == len(argmap["claims"])
    assert int(pg.get_attribute("#graph", "data-arcs")) == 4  # 3 attacks and 1 support between claims
    assert pg.locator("#graph .rel-edge.attack").count() == 3
    # each position says how many people lean its way, of everyone who made a claim
    people = argmap["summary"]["people"]
    for pos in argmap["positions"]:
        card = pg.locator(f".pos-card[data-stance='{pos['stance']}'] .people")
        assert card.inner_text().startswith(f"{pos['n_people_leaning']} of {people} ")
    # a key point card lists its member claims on demand
    card = pg.locator(".kp-card[data-kp='kp-2']")
    assert card.locator(".claim-btn").count() == 0
    card.locator("summary").click()
    # <details> fires "toggle" as a queued task after the click returns: wait for the list to fill
    playwright_api.expect(card.locator(".claim-btn")).to_have_count(3, timeout=5000)
    assert p.errors == [] and p.dialogs == []


def test_stance_filter_changes_what_is_shown_and_the_url(page, fixture_report):
    path, argmap = fixture_report
    p = page()
    pg = p.open(path)
    before = pg.locator("#graph .node.claim").count()
    pg.select_option("#f-stance", "pro-sales")
    shown = pg.locator("#graph .node.claim")
    assert 0 < shown.count() < before
    assert {shown.nth(i).get_attribute("data-stance") for i in range(shown.count())} == {"pro-sales"}
    assert _claim_count(pg) == 3
    assert pg.locator("#claims-list .claim-btn").count() == 3
    assert pg.locator(".kp-card").count() == 1
    assert "stance=pro-sales" in pg.evaluate("location.hash")
    # clicking a position card toggles the same filter
    pg.click(".pos-card[data-stance='pro-marketing']")
    assert _claim_count(pg) == 3 and pg.input_value("#f-stance") == "pro-marketing"
    pg.click("#f-reset")
    assert _claim_count(pg) == len(argmap["claims"])
    # the "who argues what" table filters by author
    pg.click("#voices button[data-author='Bo']")
    assert _claim_count(pg) == 2 and pg.input_value("#f-author") == "Bo"
    assert "author=Bo" in pg.evaluate("location.hash")
    assert p.errors == []


def test_shared_url_restores_the_view(page, fixture_report):
    path, _ = fixture_report
    p = page()
    pg = p.open(path, "#corpus=blogs&author=Bo&q=" + quote("brand story"))
    assert _claim_count(pg) == 1
    assert pg.input_value("#f-author") == "Bo" and pg.input_value("#f-q") == "brand story"
    texts = pg.locator("#claims-list .claim-btn").all_inner_texts()
    assert len(texts) == 1 and texts[0].startswith("A brand story makes every sales call easier.")
    # typing a search updates the URL
    pg.click("#f-reset")
    pg.fill("#f-q", "customers")
    wait_until(pg, "location.hash.includes('q=customers')")
    assert _claim_count(pg) == 2
    assert p.errors == []


def test_clicking_a_claim_highlights_exactly_its_span(page, fixture_report):
    path, argmap = fixture_report
    p = page()
    pg = p.open(path)
    for claim in argmap["claims"]:
        node = pg.locator(f"#graph .node.claim[data-claim='{claim['id']}']")
        node.click()
        pg.wait_for_selector("#drill:not([hidden]) #hl")
        assert pg.inner_text("#hl") == claim["text"]
        assert pg.inner_text("#drill-claim") == claim["text"]
        assert claim["id"] in pg.evaluate("decodeURIComponent(location.hash)")
        pg.keyboard.press("Escape")
        pg.wait_for_selector("#drill", state="hidden")
    assert p.errors == []


def test_drill_down_says_when_context_moved_a_claims_label(page, fixture_report):
    path, argmap = fixture_report
    p = page()
    for claim in argmap["claims"]:
        pg = p.open(path, "#claim=" + quote(claim["id"], safe=""))
        pg.wait_for_selector("#drill:not([hidden])")
        note = pg.locator("#drill-context")
        if claim["text"] in CONTEXT_MOVED:
            assert note.count() == 1 and f"its words say {CONTEXT_MOVED[claim['text']]}" in note.inner_text()
        else:
            assert note.count() == 0
    assert p.errors == []


def test_drill_down_shows_the_thread(page, fixture_report):
    path, argmap = fixture_report
    p = page()
    brand = next(c for c in argmap["claims"] if c["text"].startswith("A brand story"))
    pg = p.open(path, "#claim=" + quote(brand["id"], safe=""))
    drill = pg.text_content("#drill")
    assert "It answers" in drill and "attack" in drill.lower()  # the comment attacks the article
    assert "Answered by" in drill and "Comment #2 by Cy" in drill
    assert "This claim attacks" in drill and "Supported by" in drill
    # follow the thread up to the article; its claims are marked in the text
    pg.click("#drill .rel button[data-doc='blogs/a.txt#article']")
    assert "An article: it starts the thread." in pg.inner_text("#drill")
    assert pg.locator("#doc-text .oc").count() == 3
    pg.click("#doc-text .oc >> nth=0")
    assert pg.inner_text("#hl") == "Startups should sell before they market anything."
    assert p.errors == []


def test_zoom_and_pan_change_the_view(page, fixture_report):
    path, _ = fixture_report
    p = page()
    pg = p.open(path)
    def width() -> float:
        return float(pg.get_attribute("#graph", "viewBox").split()[2])
    w0 = width()
    pg.click(".zoom button[title='Zoom in']")
    assert width() < w0
    pg.locator("#graph").scroll_into_view_if_needed()
    box = pg.locator("#graph").bounding_box()
    x0 = pg.get_attribute("#graph", "viewBox").split()[0]
    pg.mouse.move(box["x"] + 40, box["y"] + 40)
    pg.mouse.down()
    pg.mouse.move(box["x"] + 240, box["y"] + 60, steps=5)
    pg.mouse.up()
    assert pg.get_attribute("#graph", "viewBox").split()[0] != x0
    assert p.errors == []


def test_injected_scripts_never_run(page, payload_report):
    path, argmap = payload_report
    p = page()
    pg = p.open(path)
    # the payloads are shown as text
    body = pg.inner_text("body")
    assert PAYLOADS[1] in body  # Ann's author name, in the position card
    # walk every surface that shows corpus text: drill-downs, thread, filters, search
    for claim in argmap["claims"]:
        pg.click(f"#claims-list .claim-btn[data-claim='{claim['id']}']")
        pg.wait_for_selector("#drill:not([hidden])")
        for button in pg.locator("#drill .rel button[data-doc]").all():
            button.click()
            break
        pg.keyboard.press("Escape")
    authors = [o for o in pg.locator("#f-author option").all_inner_texts() if "<" in o]
    assert authors, "payload authors missing from the filter"
    pg.select_option("#f-author", index=1)
    pg.select_option("#f-doc", index=1)
    pg.fill("#f-q", "<script>")
    pg.wait_for_timeout(300)
    pg.click("#f-reset")
    pg.wait_for_timeout(200)
    assert pg.evaluate("typeof window.__pwned") == "undefined"
    assert p.dialogs == []
    assert pg.locator("img, iframe, object, embed").count() == 0
    assert pg.locator("#app script, #drill script, svg script").count() == 0
    assert p.errors == [], p.errors


def test_seed_report_screenshot(page, seed_run):
    argmap_path = seed_run / "outputs" / "argmap.json"
    documents_path = seed_run / "outputs" / "documents.parquet"
    from pipeline.io import read_table
    from pipeline.schemas import DOCUMENTS

    argmap = json.loads(argmap_path.read_text(encoding="utf-8"))
    documents = read_table(documents_path, DOCUMENTS)
    TEST_OUTPUT.mkdir(exist_ok=True)
    path = TEST_OUTPUT / "seed_report.html"
    path.write_text(render_report(argmap, documents), encoding="utf-8")
    p = page(width=1440, height=1900)
    pg = p.open(path)
    assert pg.locator(".pos-card").count() == len(argmap["positions"])
    assert p.errors == []
    shot = TEST_OUTPUT / "seed_report.png"
    pg.screenshot(path=str(shot), full_page=False)
    assert shot.stat().st_size > 10_000
    strongest = next((pid for pos in argmap["positions"] for pid in pos["strongest_claim_ids"]), None)
    if strongest:
        pg.evaluate("id => { location.hash = 'claim=' + encodeURIComponent(id); }", strongest)
        pg.wait_for_selector("#drill:not([hidden]) #hl")
        pg.screenshot(path=str(TEST_OUTPUT / "seed_report_drilldown.png"))
    if os.environ.get("ARGMAP_UPDATE_DOCS") == "1":  # refresh the README's picture on purpose only
        (ROOT / "docs").mkdir(exist_ok=True)
        shutil.copy(shot, ROOT / "docs" / "report.png")


def test_hostile_corpus_through_dvc_repro_and_the_report(page, other_corpora_run):
    """The hostile corpora (tests/fixtures/corpora/hostile, links and big files added) through a real
    `dvc repro`: every entry is a document or a reject, and the report Chromium opens runs none of
    the payloads, asks for nothing outside the file and shows nothing read through a link."""
    from corpus_helpers import HOSTILE_CORPORA
    from test_hostile_input import HOSTILE_REJECTS

    from pipeline import paths, schemas
    from pipeline.io import read_table

    root = other_corpora_run
    rejects = [json.loads(line) for line in (root / paths.REJECTS).read_text(encoding="utf-8").splitlines()]
    assert {(r["corpus"], r["source"]) for r in rejects if "line" not in r and r["corpus"] in HOSTILE_CORPORA} == {
        key for key in HOSTILE_REJECTS if key[1] not in ("pipe.txt", "pipe.html", "dangling-link.txt")}
    documents = read_table(root / paths.DOCUMENTS, schemas.DOCUMENTS)
    assert set(HOSTILE_CORPORA) <= set(documents["corpus"])

    report = root / paths.REPORT
    html = report.read_text(encoding="utf-8")
    assert "root:x:0:0" not in html and "VmRSS" not in html
    p = page()
    requests: list[str] = []
    p.page.on("request", lambda r: r.url.startswith(("file:", "data:", "about:")) or requests.append(r.url))
    pg = p.open(report)
    assert "window.__pwned" in pg.inner_text("body")  # the payloads are shown, as text
    for button in pg.locator("#claims-list .claim-btn").all():
        button.click()
        pg.wait_for_selector("#drill:not([hidden])")
        pg.keyboard.press("Escape")
    pg.fill("#f-q", "<script>")
    pg.wait_for_timeout(300)
    assert pg.evaluate("typeof window.__pwned") == "undefined"
    assert p.dialogs == [] and requests == []
    assert pg.locator("img, iframe, object, embed").count() == 0
    assert p.errors == [], p.errors
