"""What one request costs: Jamaati's public pages against a bare Flask app (issue #14).

Two measures, in one run (part of ``make bench``):

* requests per second under the same gunicorn settings as ``make run`` and bench.transfer (one
  worker, two threads), each server driven in turn by the same client (two processes, keep-alive
  connections, for a fixed time), and the ratio to the bare app's rate. Both servers run
  throughout, and the measures come in rounds (the bare app, then each page, again and again):
  each round's ratio is taken between measures seconds apart, and the median of the rounds is
  printed, so a neighbour's load that comes and goes moves one round, not the result;
* in-process, the CPU time of one request through Flask's test client (no network, no server).

On a machine shared with other work the rates move with the load; the ratios, measured side by
side in each round, move much less (the spread of the rounds is printed). Targets: ``/`` and
``/track`` ≥ 0.25 of the bare rate, the complaint form ≥ 0.15. A report: the exit code is 0
whatever the numbers.

    .venv/bin/python -m bench.throughput
"""

from __future__ import annotations

import http.client
import http.cookies
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time

from bench.transfer import BIN, ROOT, free_port, stop_server, wait_healthy

COMMUNE = "01.151.01.01"  # the demo commune
PAGES = [("/", 0.25), ("/track", 0.25), (f"/complaints/new?commune={COMMUNE}", 0.15)]
SECONDS = float(os.environ.get("BENCH_THROUGHPUT_SECONDS", 2))  # one measure
ROUNDS = int(os.environ.get("BENCH_THROUGHPUT_ROUNDS", 5))
CLIENTS = 2


def _hammer(port: int, path: str, seconds: float, counts) -> None:
    """One client: GET ``path`` over one keep-alive connection until the time is up, keeping the
    cookies it is given as a browser does (after its first page a phone links the stylesheet
    instead of receiving it inline: app/core/first_visit.py)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    cookies = http.cookies.SimpleCookie()
    done, deadline = 0, time.monotonic() + seconds
    while time.monotonic() < deadline:
        headers = {"Accept-Language": "fr", "Accept-Encoding": "br"}
        if cookies:
            headers["Cookie"] = "; ".join(f"{name}={morsel.value}" for name, morsel in cookies.items())
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"{path}: {response.status}")
        for given in response.headers.get_all("Set-Cookie") or []:
            cookies.load(given)
        done += 1
    connection.close()
    counts.put(done)


def rate(port: int, path: str, seconds: float = SECONDS) -> float:
    _hammer(port, path, 0.5, multiprocessing.Queue())  # warm: templates compiled, connections made
    counts = multiprocessing.Queue()
    clients = [multiprocessing.Process(target=_hammer, args=(port, path, seconds, counts)) for _ in range(CLIENTS)]
    started = time.monotonic()
    for client in clients:
        client.start()
    total = sum(counts.get() for _ in clients)
    for client in clients:
        client.join()
    return total / (time.monotonic() - started)


def gunicorn(env: dict, port: int, app: str) -> subprocess.Popen:
    return subprocess.Popen(
        [BIN / "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "2", app],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def prepare(env: dict) -> None:
    for args in (["db", "upgrade"], ["communes", "import"], ["demo", "seed"]):
        subprocess.run(
            [BIN / "flask", "--app", "wsgi", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
        )


def in_process_cpu_ms(paths: list[str], runs: int = 300) -> dict[str, float]:
    """CPU milliseconds of one request through the test client (p50 of ``runs``), the bare app's too."""
    from app import create_app
    from app.config import Config
    from bench.bare import app as bare

    app = create_app(Config())
    app.logger.setLevel("WARNING")
    found = {}
    for name, client, path in [("bare Flask /", bare.test_client(), "/")] + [(p, app.test_client(), p) for p in paths]:
        for _ in range(30):
            client.get(path, headers={"Accept-Language": "fr"})
        times = []
        for _ in range(runs):
            used = time.process_time()
            client.get(path, headers={"Accept-Language": "fr"})
            times.append((time.process_time() - used) * 1000)
        found[name] = statistics.median(times)
    return found


def rounds(ports: dict[str, int], paths: list[str]) -> list[dict[tuple[str, str], float]]:
    """ROUNDS rounds, each measuring the bare app's / and then every page: [{(server, path): rate}]."""
    return [
        {("bare", "/"): rate(ports["bare"], "/"), **{("jamaati", path): rate(ports["jamaati"], path) for path in paths}}
        for _ in range(ROUNDS)
    ]


def main() -> int:
    paths = [path for path, _ in PAGES]
    with tempfile.TemporaryDirectory(prefix="jamaati-bench-throughput-") as instance:
        env = {**os.environ, "JAMAATI_DEMO": "1", "JAMAATI_INSTANCE": instance}
        env.pop("DATABASE_URL", None)  # the demo on SQLite, as bench.transfer serves it
        prepare(env)
        ports = {"bare": free_port(), "jamaati": free_port()}
        servers = {
            name: gunicorn(env, ports[name], app) for name, app in (("bare", "bench.bare:app"), ("jamaati", "wsgi:app"))
        }
        try:
            for name, server in servers.items():
                wait_healthy(server, f"http://127.0.0.1:{ports[name]}")
            measured = rounds(ports, paths)
        finally:
            for server in servers.values():
                stop_server(server)
        os.environ.update({"JAMAATI_DEMO": "1", "JAMAATI_INSTANCE": instance})
        os.environ.pop("DATABASE_URL", None)
        cpu = in_process_cpu_ms(paths)
    bare = statistics.median(one[("bare", "/")] for one in measured)
    print(
        f"\nrequests per second, gunicorn 1 worker × 2 threads, {CLIENTS} keep-alive clients,"
        f" {ROUNDS} rounds of {SECONDS:.0f} s per server and page (medians; ratios taken within each round)"
    )
    print(f"  {'bare Flask /':<40} {bare:7.0f} req/s                 CPU in-process {cpu['bare Flask /']:.2f} ms")
    for path, target in PAGES:
        ratios = sorted(one[("jamaati", path)] / one[("bare", "/")] for one in measured)
        ratio = statistics.median(ratios)
        verdict = "ok" if ratio >= target else "UNDER"
        print(
            f"  {path:<40} {statistics.median(one[('jamaati', path)] for one in measured):7.0f} req/s"
            f"  {ratio:5.2f} × bare (rounds {ratios[0]:.2f}–{ratios[-1]:.2f}, target ≥ {target})"
            f"  CPU in-process {cpu[path]:.2f} ms  {verdict}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
