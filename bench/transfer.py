"""Bytes over the wire for a first visit and for a boosted navigation.

Jamaati is used on cheap phones over 2G/3G links where data is paid per
megabyte, so every kilobyte costs the user money and seconds.  This benchmark
serves the demo app with gunicorn, drives headless Chromium, and sums what
Chromium itself counts as received from the network (CDP
``Network.loadingFinished.encodedDataLength``: compressed body plus headers)
for every request of each scenario:

* cold first visit to ``/``, to ``/signin`` and to a commune's performance page, charts included
  (its figures rolled up from a year of seeded cases: bench/performance.py);
* boosted navigation ``/`` -> ``/signin`` and back: htmx fetches the page with
  HX-Request/HX-Boosted headers, and only what follows the click is counted;
* the service worker and the app's own JavaScript (``/sw.js``, the scripts it imports and those the
  pages name, minified by ``make install``; not htmx), gzip-compressed, against a 10 KB budget;
* a repeat visit of ``/`` with a warm service worker: counted by a small proxy in front
  of the server (the service worker's own requests escape the page's CDP session), it
  should be the HTML of the page and nothing else.

Chromium sends its own Accept-Encoding, so the numbers include compression.
It is a report: the exit code is 0 even when a scenario is over its target.

Run with ``make bench`` or ``.venv/bin/python -m bench.transfer``.
"""

import contextlib
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
COLD_TARGET = 30_000
BOOST_TARGET = 4_000
SCRIPTS_TARGET = 10_000  # the worker + our JavaScript, gzip (issue 13: 7.98 KB before the offline work)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# --- server -----------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


PERFORMANCE_PAGE = "/communes/01.151.01.01/performance"  # the demo commune, Chefchaouen


def demo_instance(env: dict) -> None:
    """Migrate, import communes and seed demo data into the temp instance."""
    for args in (["db", "upgrade"], ["communes", "import"], ["demo", "seed"]):
        subprocess.run(
            [BIN / "flask", "--app", "wsgi", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
        )


def prepare_instance(env: dict) -> None:
    """The demo instance, and two years of cases for the demo commune, rolled up, so that its
    performance page has figures and bars to draw."""
    demo_instance(env)
    subprocess.run(
        [BIN / "python", "-m", "bench.performance", "--seed-only", "--complaints", "3000", "--permits", "600"],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def start_server(env: dict, port: int, threads: int = 2) -> subprocess.Popen:
    return subprocess.Popen(
        [BIN / "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", str(threads), "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_healthy(server: subprocess.Popen, base: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with code {server.returncode}")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("server did not answer /healthz in time")


def stop_server(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


# --- measurement ------------------------------------------------------------


class Meter:
    """Per-page CDP listener: URL, encoding and encoded size of each request."""

    def __init__(self, context, page):
        self.urls, self.encodings, self.sizes, self.pending = {}, {}, {}, set()
        self.last_event = time.monotonic()
        cdp = context.new_cdp_session(page)
        cdp.on("Network.requestWillBeSent", self._sent)
        cdp.on("Network.responseReceived", self._received)
        cdp.on("Network.loadingFinished", self._finished)
        cdp.on("Network.loadingFailed", self._failed)
        cdp.send("Network.enable")

    def _touch(self):
        self.last_event = time.monotonic()

    def _sent(self, p):
        self.urls[p["requestId"]] = p["request"]["url"]
        self.pending.add(p["requestId"])
        self._touch()

    def _received(self, p):
        headers = {k.lower(): v for k, v in p["response"]["headers"].items()}
        self.encodings[p["requestId"]] = headers.get("content-encoding", "-")
        self._touch()

    def _finished(self, p):
        self.sizes[p["requestId"]] = p["encodedDataLength"]
        self.pending.discard(p["requestId"])
        self._touch()

    def _failed(self, p):
        self.pending.discard(p["requestId"])
        self._touch()

    def reset(self):
        for record in (self.urls, self.encodings, self.sizes, self.pending):
            record.clear()

    def settle(self, page, quiet: float = 0.5, timeout: float = 15):
        """Wait until no request is in flight and nothing happened for `quiet` seconds."""
        deadline = time.monotonic() + timeout
        while self.pending or time.monotonic() - self.last_event < quiet:
            if time.monotonic() > deadline:
                raise RuntimeError(f"requests still pending: {[self.urls[r] for r in self.pending]}")
            page.wait_for_timeout(100)

    def requests(self):
        """[(path, encoding, bytes)] for finished requests, in order."""
        return [
            (urlsplit(self.urls.get(r, "?")).path or "/", self.encodings.get(r, "-"), int(n))
            for r, n in self.sizes.items()
        ]


def new_page(browser):
    context = browser.new_context(viewport={"width": 360, "height": 640}, locale="ar")
    page = context.new_page()
    return context, page, Meter(context, page)


def cold_visit(browser, base: str, path: str):
    context, page, meter = new_page(browser)
    try:
        page.goto(base + path, wait_until="networkidle")
        meter.settle(page)
        return meter.requests()
    finally:
        context.close()


def boosted(browser, base: str, start: str, link: str, dest: str):
    context, page, meter = new_page(browser)
    try:
        page.goto(base + start, wait_until="networkidle")
        meter.settle(page)
        meter.reset()
        page.click(link)
        page.wait_for_url(base + dest)
        meter.settle(page)
        return meter.requests()
    finally:
        context.close()


def own_scripts(base: str):
    """/sw.js, the scripts it imports and the app's scripts named by the home page, each once (the
    phone downloads a script shared by the pages and the worker once), as sent with gzip."""
    with urllib.request.urlopen(base + "/") as response:
        page = response.read().decode()
    with urllib.request.urlopen(base + "/sw.js") as response:
        worker = response.read().decode()
    imported = re.findall(r'"([^"]+)"', worker[worker.index("importScripts(") :])
    named = [p for p in re.findall(r'<script src="([^"]+)"', page) if "/vendor/" not in p]
    named += re.findall(r'data-forms="([^"]+)"', page)  # loaded by pages with an offline form
    paths = list(dict.fromkeys(["/sw.js", *imported, *named]))
    sizes = []
    for path in paths:
        request = urllib.request.Request(base + path, headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(request) as response:
            sizes.append((path.split("?")[0], response.headers.get("Content-Encoding", "-"), len(response.read())))
    return sizes


class CountingProxy:
    """Forwards 127.0.0.1:port to the server and counts what the server sends back, and which
    paths were asked for: the bytes a phone would pay for, whoever asked (page or worker)."""

    def __init__(self, upstream_port: int):
        self.upstream_port = upstream_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.received, self.requested = 0, []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def reset(self):
        with self.lock:
            self.received, self.requested = 0, []

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
            threading.Thread(target=self._pipe, args=(client, upstream, False), daemon=True).start()
            threading.Thread(target=self._pipe, args=(upstream, client, True), daemon=True).start()

    def _pipe(self, source, destination, counted: bool):
        seen = b""
        try:
            while data := source.recv(65536):
                destination.sendall(data)
                with self.lock:
                    if counted:
                        self.received += len(data)
                    else:  # requests are small GETs: read their first lines
                        seen += data
                        self.requested += [
                            p.decode() for p in re.findall(rb"(?:^|\r\n)(?:GET|POST|HEAD) (\S+) HTTP/1", seen)
                        ]
                        seen = seen[seen.rfind(b"\r\n\r\n") + 4 :] if b"\r\n\r\n" in seen else seen
        except OSError:
            pass
        finally:
            for end in (source, destination):
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)

    def close(self):
        self.listener.close()


def repeat_visit(browser, base: str, proxy: CountingProxy):
    """Second visit of / with the service worker installed: what crosses the network."""
    context = browser.new_context(viewport={"width": 360, "height": 640}, locale="ar")
    try:
        page = context.new_page()
        page.goto(base + "/", wait_until="networkidle")
        page.evaluate("navigator.serviceWorker.ready.then(() => true)")
        page.goto(base + "/", wait_until="networkidle")  # controlled from here on
        page.wait_for_timeout(500)
        proxy.reset()
        page.goto(base + "/", wait_until="networkidle")
        page.wait_for_timeout(500)
        with proxy.lock:
            return proxy.received, list(proxy.requested)
    finally:
        context.close()


# --- report -----------------------------------------------------------------


def print_report(results, breakdown, scripts, repeat, performance) -> None:
    rows = [("scenario", "requests", "bytes (compressed)", "target", "verdict")]
    over = []
    for name, requests, target in results:
        total = sum(n for _, _, n in requests)
        verdict = "ok" if total <= target else "OVER"
        if verdict == "OVER":
            over.append(f"OVER: {name} transferred {total:,} bytes, target {target:,}")
        rows.append((name, str(len(requests)), f"{total:,}", f"{target:,}", verdict))
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    for i, row in enumerate(rows):
        print(
            "  ".join(
                cell.ljust(w) if c == 0 else cell.rjust(w) for c, (cell, w) in enumerate(zip(row, widths, strict=False))
            )
        )
        if i == 0:
            print("  ".join("-" * w for w in widths))
    print()
    print("cold visit of / — per request:")
    width = max(len(path) for path, _, _ in breakdown)
    for path, encoding, size in breakdown:
        print(f"  {path.ljust(width)}  {encoding:>4}  {size:>8,}")
    print()
    print(f"cold visit of {PERFORMANCE_PAGE} — per request:")
    for path, encoding, size in performance:
        print(f"  {path.ljust(width)}  {encoding:>4}  {size:>8,}")
    print()
    total = sum(n for _, _, n in scripts)
    verdict = "ok" if total <= SCRIPTS_TARGET else "OVER"
    print(f"service worker + app JavaScript (gzip): {total:,} bytes, budget {SCRIPTS_TARGET:,}  {verdict}")
    for path, encoding, size in scripts:
        print(f"  {path.ljust(width)}  {encoding:>4}  {size:>8,}")
    if verdict == "OVER":
        over.append(f"OVER: the app's JavaScript is {total:,} bytes, budget {SCRIPTS_TARGET:,}")
    received, requested = repeat
    verdict = "ok" if requested == ["/"] else "OVER"
    print(
        f"repeat visit of / with a warm service worker: {received:,} bytes, requests "
        f"{requested}, target: only the HTML  {verdict}"
    )
    if verdict == "OVER":
        over.append(f"OVER: the repeat visit also fetched {[p for p in requested if p != '/']}")
    print()
    print("\n".join(over) if over else "all scenarios within target")


def run_fresh(p, scenario, *args):
    """One browser per scenario: Chromium asks for /favicon.ico only once per browser."""
    browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
    try:
        return scenario(browser, *args)
    finally:
        browser.close()


def measure(base: str, proxy: CountingProxy):
    with sync_playwright() as p:
        repeat = run_fresh(p, repeat_visit, f"http://127.0.0.1:{proxy.port}", proxy)
        home = run_fresh(p, cold_visit, base, "/")
        performance = run_fresh(p, cold_visit, base, PERFORMANCE_PAGE)
        results = [
            ("cold /", home, COLD_TARGET),
            ("cold performance page", performance, COLD_TARGET),
            ("cold /signin", run_fresh(p, cold_visit, base, "/signin"), COLD_TARGET),
            (
                "boosted / -> /signin",
                run_fresh(p, boosted, base, "/", 'header a[href="/signin"]', "/signin"),
                BOOST_TARGET,
            ),
            ("boosted /signin -> /", run_fresh(p, boosted, base, "/signin", "a.brand", "/"), BOOST_TARGET),
        ]
    return results, home, repeat, performance


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="jamaati-bench-") as instance:
        env = {**os.environ, "JAMAATI_DEMO": "1", "JAMAATI_INSTANCE": instance}
        prepare_instance(env)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = start_server(env, port)
        proxy = CountingProxy(port)
        try:
            wait_healthy(server, base)
            scripts = own_scripts(base)
            results, home, repeat, performance = measure(base, proxy)
        finally:
            proxy.close()
            stop_server(server)
    print_report(results, home, scripts, repeat, performance)
    return 0


if __name__ == "__main__":
    sys.exit(main())
