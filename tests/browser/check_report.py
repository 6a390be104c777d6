"""Opens HTML reports in headless Chromium and checks what a reader would see.

Usage: python check_report.py CORE.html HOSTILE.html SAMPLE.html BIG.html OUTDIR
CORE.html is the report on tests/fixtures/core (as-of 2026-11-01, since 2026-01-01); HOSTILE.html
one whose titles and owners are markup; SAMPLE.html the report on examples/data with its
opportunities; BIG.html one on 20,000 generated assets. Screenshots (1280 and 390 px) and the
PDFs (A4, Letter) of the sample go to OUTDIR. Exits 1 with a message on the first failed check.
"""
import base64
import pathlib
import re
import sys
import tempfile

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

# Paper sizes in CSS pixels (96 per inch) less the page's 12 mm margins on each side.
MARGIN_IN = 2 * 12 / 25.4
PAPERS = {"A4": (8.27, 11.69), "Letter": (8.5, 11.0)}


def browser(profile_dir):
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--hide-scrollbars", f"--user-data-dir={profile_dir}",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def check(condition, message):
    if not condition:
        print(f"FAIL: {message}", file=sys.stderr)
        sys.exit(1)
    print(f"ok: {message}")


def open_page(driver, path):
    driver.get(pathlib.Path(path).resolve().as_uri())
    errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    check(not errors, f"{path}: no console errors ({errors})")
    return driver.find_element(By.TAG_NAME, "body").text


def wrapped_card_values(driver):
    """The card values that take more than one line or spill out of their card."""
    return driver.execute_script("""
        return [...document.querySelectorAll('.card .value')].filter(el => {
            const r = document.createRange(); r.selectNodeContents(el);
            const lines = new Set([...r.getClientRects()].map(x => Math.round(x.top)));
            const card = el.closest('.card').getBoundingClientRect();
            const box = r.getBoundingClientRect();
            return lines.size > 1 || box.right > card.right + 0.5 || box.left < card.left - 0.5;
        }).map(el => el.textContent);
    """)


def small_text(driver):
    """Visible elements with text of their own under 11 px, as 'text (size)'."""
    return driver.execute_script("""
        const out = [];
        for (const el of document.body.querySelectorAll('*')) {
            const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
            if (!own || !el.getClientRects().length) continue;
            const style = getComputedStyle(el);
            if (style.visibility === 'hidden') continue;
            const size = parseFloat(style.fontSize);
            if (size < 11) out.push(el.textContent.trim().slice(0, 40) + ' (' + size + 'px)');
        }
        return out;
    """)


def check_core(driver, path):
    text = open_page(driver, path)
    check("From 1 January to 31 October 2026, sales never opened 2 of the 6 assets old enough "
          "to judge (33%); they cost 2,000 to make." in text, "the headline sentence is visible")
    for label in ("Never opened", "Cost of unopened material", "Reps who opened something"):
        check(label in text, f"the card label {label!r} is visible")
    check("How this was counted" in text, "the method is at the foot")
    check(not wrapped_card_values(driver), "no card value wraps at 1280 px")


def check_hostile(driver, path):
    text = open_page(driver, path)
    check(driver.execute_script("return typeof window.pwned") == "undefined", "no script from the data ran")
    check("<script>window.pwned=1</script>" in text, "a title made of markup shows as text")
    check(not driver.find_elements(By.CSS_SELECTOR, "body img"), "no image element came from the data")
    rows = driver.find_elements(By.CSS_SELECTOR, "#asset-table tbody tr")
    check(len(rows) == 2, f"the script drew both hostile assets as text ({len(rows)} rows)")


def check_bars(driver):
    rows = driver.find_elements(By.CSS_SELECTOR, ".bar-row")
    check(len(rows) > 10, f"the charts have bars ({len(rows)})")
    for row in rows:
        value = row.find_element(By.CSS_SELECTOR, ".bar-value")
        note = row.find_element(By.CSS_SELECTOR, ".bar-note")
        if not (re.fullmatch(r"(<1|>99|\d+)%", value.text) and note.text and value.is_displayed()):
            check(False, f"a bar prints its value and counts ({value.text!r}, {note.text!r})")
    check(True, "every bar prints its share and its counts")


def rows_text(driver):
    return [r.text for r in driver.find_elements(By.CSS_SELECTOR, "#asset-table tbody tr")]


def check_explorer(driver):
    controls = driver.find_element(By.ID, "asset-controls")
    check(controls.is_displayed(), "the script shows the table's controls")
    heads = driver.find_elements(By.CSS_SELECTOR, "#asset-table th")
    names = [h.text for h in heads]
    opens = names.index("Opens")
    heads[opens].click()
    cells = [int(c.text.replace(",", "")) for c in driver.find_elements(
        By.CSS_SELECTOR, f"#asset-table tbody td:nth-child({opens + 1})")]
    check(cells == sorted(cells, reverse=True) and len(cells) == 100,
          f"a click on Opens sorts most first ({cells[:3]}...)")
    Select(driver.find_element(By.CSS_SELECTOR, "select[aria-label='Any status']")).select_by_visible_text("Never opened")
    status = names.index("Status")
    statuses = {c.text for c in driver.find_elements(By.CSS_SELECTOR, f"#asset-table tbody td:nth-child({status + 1})")}
    check(statuses == {"Never opened"}, f"the status filter keeps never-opened assets ({statuses})")
    more = driver.find_element(By.ID, "asset-more").text
    check("matching assets" in more, f"the count says how many match ({more!r})")
    search = driver.find_element(By.ID, "asset-search")
    search.send_keys("video")
    titles = [r.split("\n")[0] for r in rows_text(driver)]
    check(titles and all("video" in t.lower() for t in titles), f"searching titles for video ({len(titles)} rows)")
    search.clear()
    Select(driver.find_element(By.CSS_SELECTOR, "select[aria-label='Any status']")).select_by_index(0)


def check_print(driver, path, out):
    for paper, (width, height) in PAPERS.items():
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
        driver.set_window_size(int((width - MARGIN_IN) * 96), 1000)
        overflow = driver.execute_script("""
            const w = document.documentElement.clientWidth;
            return [...document.querySelectorAll('table, .bars, .cards')]
                .filter(t => t.getBoundingClientRect().right > w + 1 || t.scrollWidth > t.clientWidth + 1)
                .map(t => t.id || t.className || t.tagName);
        """)
        check(not overflow, f"{paper}: no table or chart is cut at the printed width ({overflow})")
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
        pdf = driver.execute_cdp_cmd("Page.printToPDF", {
            "paperWidth": width, "paperHeight": height, "printBackground": True,
            "preferCSSPageSize": False,
        })
        data = base64.b64decode(pdf["data"])
        target = pathlib.Path(out) / f"sample-{paper}.pdf"
        target.write_bytes(data)
        pages = data.count(b"/Type /Page") - data.count(b"/Type /Pages")
        check(data.startswith(b"%PDF") and pages >= 2, f"{paper}: the page prints to a PDF of {pages} pages")
    driver.set_window_size(1280, 900)


def check_sample(driver, path, out):
    text = open_page(driver, path)
    check("sales never opened 224 of the 380 assets old enough to judge (59%)" in text, "the sample's headline")
    check("Content on won deals" in text, "the deals section is on the page")
    check_bars(driver)
    check(not wrapped_card_values(driver), "no card value wraps at 1280 px")
    driver.save_screenshot(str(pathlib.Path(out) / "sample-1280.png"))
    check_explorer(driver)
    driver.set_window_size(390, 844)
    open_page(driver, path)
    width = driver.execute_script("return document.documentElement.scrollWidth")
    check(width <= 390, f"the page fits a phone's width (scroll width {width})")
    check(not wrapped_card_values(driver), "no card value wraps at 390 px")
    small = small_text(driver)
    check(not small, f"at 390 px every label is at least 11 px ({small[:5]})")
    driver.save_screenshot(str(pathlib.Path(out) / "sample-390.png"))
    driver.set_window_size(1280, 900)
    check_print(driver, path, out)


def check_big(driver, path):
    open_page(driver, path)
    ms = driver.execute_script(
        "const t = performance.getEntriesByType('navigation')[0]; return t.loadEventEnd - t.startTime;")
    total = driver.execute_script("return JSON.parse(document.getElementById('asset-data').textContent).rows.length")
    check(total == 20000, f"the big page holds all {total} assets")
    print(f"    20,000 assets: loaded, script run, in {ms:.0f} ms")
    check(ms < 3000, f"20,000 assets open in about a second ({ms:.0f} ms)")
    heads = driver.find_elements(By.CSS_SELECTOR, "#asset-table th")
    heads[0].click()
    check(len(rows_text(driver)) == 100, "sorting 20,000 assets by title still shows the first 100")


def main():
    core, hostile, sample, big, out = sys.argv[1:6]
    with tempfile.TemporaryDirectory() as profile:
        driver = browser(profile)
        try:
            driver.set_window_size(1280, 900)
            check_core(driver, core)
            check_hostile(driver, hostile)
            check_sample(driver, sample, out)
            check_big(driver, big)
        finally:
            driver.quit()
    print("browser checks passed")


if __name__ == "__main__":
    main()
