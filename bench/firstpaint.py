"""First paint on a cold visit over emulated 2G (issue #14): part of ``make bench``.

Headless Chromium, a 360×640 phone, its cache off and no service worker yet, the network emulated
through CDP (Network.emulateNetworkConditions: 300 ms latency, 250 kbit/s each way): the time to
the first contentful paint of ``/`` and of the complaint form, median of a few visits. A first
visit carries its stylesheet inside the page (app/core/first_visit.py): nothing waits for a
second download, and the deferred scripts load after the paint. Target ≤ 0.9 s. A report: exit
code 0.

    .venv/bin/python -m bench.firstpaint
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile

from playwright.sync_api import sync_playwright

from bench.throughput import COMMUNE, gunicorn, prepare
from bench.transfer import CHROMIUM_ARGS, free_port, stop_server, wait_healthy

PAGES = ["/", f"/complaints/new?commune={COMMUNE}"]
TARGET_S = 0.9
VISITS = int(os.environ.get("BENCH_FIRSTPAINT_VISITS", 3))
TWO_G = {"offline": False, "latency": 300, "downloadThroughput": 250_000 / 8, "uploadThroughput": 250_000 / 8}


def first_paint(browser, url: str) -> float:
    """Seconds from navigation to the first contentful paint, cold."""
    context = browser.new_context(viewport={"width": 360, "height": 640}, locale="ar", service_workers="block")
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        cdp.send("Network.emulateNetworkConditions", TWO_G)
        page.goto(url, wait_until="load", timeout=60_000)
        for _ in range(300):  # polled from here: the page's CSP allows no eval for wait_for_function
            painted = page.evaluate("(performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime")
            if painted is not None:
                return painted / 1000
            page.wait_for_timeout(100)
        raise RuntimeError(f"no first contentful paint on {url}")
    finally:
        context.close()


def measure(base: str) -> dict[str, list[float]]:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        try:
            first_paint(browser, base + "/healthz")  # warm: the server's first answers are slower
            return {path: [first_paint(browser, base + path) for _ in range(VISITS)] for path in PAGES}
        finally:
            browser.close()


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="jamaati-bench-firstpaint-") as instance:
        env = {**os.environ, "JAMAATI_DEMO": "1", "JAMAATI_INSTANCE": instance}
        env.pop("DATABASE_URL", None)
        prepare(env)
        port = free_port()
        server = gunicorn(env, port, "wsgi:app")
        try:
            wait_healthy(server, f"http://127.0.0.1:{port}")
            found = measure(f"http://127.0.0.1:{port}")
        finally:
            stop_server(server)
    print(f"\nfirst contentful paint, cold, emulated 2G (300 ms, 250 kbit/s), median of {VISITS}")
    for path, times in found.items():
        median = statistics.median(times)
        verdict = "ok" if median <= TARGET_S else "OVER"
        visits = ", ".join(f"{t:.2f}" for t in times)
        print(f"  {path:<40} {median:5.2f} s  ({visits})  target ≤ {TARGET_S} s  {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
