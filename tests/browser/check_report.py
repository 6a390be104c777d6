"""Opens HTML reports in headless Chromium and checks what a reader would see.

Usage: python check_report.py CORE.html HOSTILE.html
CORE.html is the report on tests/fixtures/core (as-of 2026-11-01); HOSTILE.html one whose
titles and owners are markup. Exits 1 with a message on the first failed check.
"""
import pathlib
import sys
import tempfile

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By


def browser(profile_dir):
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", f"--user-data-dir={profile_dir}",
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


def check_core(driver, path):
    text = open_page(driver, path)
    check("Never opened: 2 of 6 judged assets (33.33%)" in text, "the headline is visible")
    check("33.33%" in text and "2,000" in text, "the figure cards show 33.33% and 2,000")
    charts = driver.find_elements(By.CSS_SELECTOR, "svg.chart")
    check(len(charts) >= 3, f"three charts (found {len(charts)})")
    for chart in charts:
        size = chart.size
        check(size["width"] > 100 and size["height"] > 20, f"a chart is drawn at {size}")
    bars = driver.find_elements(By.CSS_SELECTOR, "svg.chart rect")
    check(len(bars) > 5, f"the charts have bars ({len(bars)})")
    check("Old Video" in text and "Whitepaper" in text, "the never-opened list shows A4 and A8")
    driver.set_window_size(390, 844)
    width = driver.execute_script("return document.documentElement.scrollWidth")
    check(width <= 400, f"the page fits a phone's width (scroll width {width})")
    driver.set_window_size(1280, 900)


def check_hostile(driver, path):
    text = open_page(driver, path)
    check(driver.execute_script("return typeof window.pwned") == "undefined", "no script from the data ran")
    check("<script>window.pwned=1</script>" in text, "a title made of markup shows as text")
    check(not driver.find_elements(By.CSS_SELECTOR, "body img"), "no image element came from the data")


def main():
    core, hostile = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as profile:
        driver = browser(profile)
        try:
            check_core(driver, core)
            check_hostile(driver, hostile)
        finally:
            driver.quit()
    print("browser checks passed")


if __name__ == "__main__":
    main()
