"""The reproduction report and a notebook in a real browser: headless Chromium (Debian's
``chromium`` and ``chromium-driver``) driven by selenium, over the session's workflow run.

Skipped, saying why, where Chromium or its driver is not installed (``.ci/run`` installs them).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(
    not (CHROMIUM and DRIVER),
    reason="headless Chromium not found (Debian: apt-get install chromium chromium-driver)")


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--window-size=1280,900",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium')}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def results(workflow_project):
    return workflow_project / "results"


def _open(browser, page: Path, fragment: str = ""):
    browser.get(page.as_uri() + fragment)
    browser.execute_script("return document.readyState")
    return browser


def _errors(browser) -> list[str]:
    return [entry["message"] for entry in browser.get_log("browser")
            if entry["level"] == "SEVERE"]


def _fits(browser) -> bool:
    return browser.execute_script(
        "return document.documentElement.scrollWidth <= window.innerWidth")


def test_the_report_loads_fits_1280_px_and_is_accessible(browser, results):
    from selenium.webdriver.common.by import By

    _open(browser, results / "reproduction_report.html")
    assert _errors(browser) == []
    assert _fits(browser), "the report scrolls sideways at 1280 px"
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    assert len(browser.find_elements(By.TAG_NAME, "h1")) == 1
    # read in one script each (one driver call per element took seconds)
    scopes = browser.execute_script(
        "return Array.from(document.querySelectorAll('table th'), h => h.getAttribute('scope'))")
    assert scopes and all(s in ("col", "row", "colgroup", "rowgroup") for s in scopes)
    assert all(browser.execute_script(
        "return Array.from(document.querySelectorAll('svg'), s => s.getAttribute('aria-label'))"))
    caveat = browser.find_element(By.CSS_SELECTOR, ".caveat").text
    assert "synthetic" in caveat.lower()
    # the data caveat is on the first screen
    assert browser.find_element(By.CSS_SELECTOR, ".caveat").location["y"] < 400


def test_searching_for_a_row_label_finds_its_row(browser, results):
    from selenium.webdriver.common.by import By

    _open(browser, results / "reproduction_report.html")
    box = browser.find_element(By.ID, "q")
    box.send_keys("Table 3.2 meet with the child")
    assert _shown_rows(browser) == ["t3_2.meet_child"]
    cells = browser.find_element(By.ID, "t3_2.meet_child").find_elements(By.TAG_NAME, "td")
    assert cells[0].text == "68" and cells[1].text.startswith("6")      # printed, reproduced
    assert "Match" in cells[4].text and "valid percent of" in cells[4].text
    for query, found in (("Model B training", ["ta_3.b_training"]),
                         ("figure 6.1 disabled 19%", ["f6_1.disabled"])):
        box.clear()
        box.send_keys(query)
        assert _shown_rows(browser) == found, query
    box.clear()
    status = browser.find_element(By.ID, "f-status")
    status.find_element(By.CSS_SELECTOR, "option[value=mismatch]").click()
    shown = _shown_rows(browser)
    assert shown and all("mismatch" in browser.find_element(By.ID, row).get_attribute("class")
                         for row in shown)


def test_a_values_anchor_scrolls_to_it(browser, results):
    from selenium.webdriver.common.by import By

    _open(browser, results / "reproduction_report.html", "#t3_2.meet_child")
    row = browser.find_element(By.ID, "t3_2.meet_child")
    top = browser.execute_script("return arguments[0].getBoundingClientRect().top", row)
    assert 0 <= top < 300, top
    assert browser.execute_script("return document.querySelector(':target') === arguments[0]",
                                  row)


def _local_links(browser) -> list[tuple[str, str]]:
    """(href, text) of every link, read in one script (not one driver call per link)."""
    return [tuple(pair) for pair in browser.execute_script(
        "return Array.from(document.querySelectorAll('a[href]'), a => [a.href, a.innerText])")]


def _shown_rows(browser) -> list[str]:
    """The ids of the value rows the page shows (one script, not one driver call per row)."""
    return browser.execute_script(
        "return Array.from(document.querySelectorAll('tr.value'))"
        ".filter(r => r.offsetParent !== null).map(r => r.id)")


def _check_links(browser, page: Path) -> int:
    """Every link of the page resolves: a file that exists, and its fragment an id in it."""
    checked, ids = 0, {}
    for href, text in _local_links(browser):
        url = urlparse(href)
        assert url.scheme == "file", (href, text)    # nothing from the network
        target = Path(unquote(url.path))
        assert target.exists(), (page.name, text, target)
        if url.fragment and target.suffix == ".html":
            if target not in ids:
                ids[target] = set(re.findall(r'id="([^"]+)"', target.read_text(encoding="utf-8")))
            assert unquote(url.fragment) in ids[target], (page.name, href)
        checked += 1
    return checked


def test_every_link_of_the_report_resolves(browser, results):
    _open(browser, results / "reproduction_report.html")
    assert _check_links(browser, results / "reproduction_report.html") > 1000


def test_a_notebook_reads_offline_with_titles_alt_text_and_no_index(browser, results):
    from selenium.webdriver.common.by import By

    page = results / "notebooks" / "chapter3.html"
    _open(browser, page, "#t3_2")
    assert _errors(browser) == []
    assert browser.title.startswith("iro-stats: Chapter 3")
    assert _fits(browser)
    assert "Synthetic data" in browser.find_element(By.TAG_NAME, "body").text
    images = browser.find_elements(By.TAG_NAME, "img")
    assert images and all(img.get_attribute("alt").startswith("Figure 3.") for img in images)
    assert browser.find_elements(By.ID, "t3_2") and browser.find_elements(By.ID, "f3_2")
    # no pandas index column: every table's first header cell names a column
    html = page.read_text(encoding="utf-8")
    assert not re.search(r'<th>\s*</th>\s*<th>id</th>', html)
    assert "<script src=" not in html
    _check_links(browser, page)
