"""How much memory photo uploads add to a running worker (issue 11: a 1.7 MB PNG of 7000 × 7000
pixels, 16-bit RGBA, added ~400 MB; four at once took the worker to 1.9 GB).

The demo app is served by gunicorn as ``make run`` serves it (one worker, four threads), and the
complaint form is posted over HTTP as a phone posts it. For each scenario the worker's peak
resident memory is reset (``/proc/<pid>/clear_refs``) and read back afterwards (``VmHWM`` in
``/proc/<pid>/status``): the growth is that peak minus the resident memory before the scenario.
Linux only. Scenarios:

* the hostile PNG, in one complaint;
* four complaints sent at once, each with three hostile PNGs (the form's limit);
* four complaints sent at once, each with the heaviest photos the app accepts: a 48-megapixel
  JPEG (decoded at a quarter of its size), a 16-megapixel colour PNG, a 50-megapixel grey PNG.

Budget: 100 MB of growth per scenario. Run with ``make bench-memory`` (also part of ``make bench``);
the exit code is 1 when a scenario is over its budget.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import requests
from PIL import Image

from bench.transfer import demo_instance, free_port, start_server, stop_server, wait_healthy
from tests.permits.helpers import PNG_RGBA, huge_png

BUDGET_MB = 100
MB = 1_000_000
TOKEN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
CATEGORY = re.compile(r'<option value="(\d+)"')
COMMUNE = "01.151.01.01"  # the demo commune, Chefchaouen


# --- the worker ---------------------------------------------------------------


def worker_pid(master: subprocess.Popen) -> int:
    children = Path(f"/proc/{master.pid}/task/{master.pid}/children").read_text().split()
    return int(children[0])


def status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/{pid}/status")


def peak_growth(pid: int, scenario) -> tuple[int, list[int]]:
    """(bytes the worker's peak resident memory rose above its resident memory before, the answers' statuses)."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")  # the peak (VmHWM) starts again from now
    before = status_kb(pid, "VmRSS")
    statuses = scenario()
    return (status_kb(pid, "VmHWM") - before) * 1024, statuses


# --- a citizen ------------------------------------------------------------------


class Citizen:
    """A phone's browser on the complaint form: the commune chosen, the form's token read."""

    def __init__(self, base: str) -> None:
        self.base, self.http = base, requests.Session()
        self.http.headers["Accept-Language"] = "en"
        page = self.http.get(base + "/communes/").text
        self.http.post(base + "/communes/choose", data={"code": COMMUNE, "csrf_token": TOKEN.search(page).group(1)})

    def complaint(self, key: str, photos: list[tuple[str, bytes]]):
        """The form, ready to send: call it to send it; it answers the status code."""
        page = self.http.get(self.base + "/complaints/new").text
        data = {
            "csrf_token": TOKEN.search(page).group(1),
            "kind": "complaint",
            "category": CATEGORY.search(page).group(1),
            "description": "Une fuite d'eau devant l'école, depuis trois jours.",
            "location_text": "Hay Souika",
            "seen_duplicates": "1",
            "idempotency_key": key,
        }
        files = [("photos", (name, data, "application/octet-stream")) for name, data in photos]
        return lambda: (
            self.http.post(
                self.base + "/complaints/new", data=data, files=files, allow_redirects=False, timeout=300
            ).status_code
        )


def at_once(sends) -> list[int]:
    barrier, statuses = threading.Barrier(len(sends)), [0] * len(sends)

    def run(index, send):
        barrier.wait()
        statuses[index] = send()

    threads = [threading.Thread(target=run, args=(i, send)) for i, send in enumerate(sends)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


# --- the photos -------------------------------------------------------------------


def phone_jpeg(size=(8000, 6000)) -> bytes:
    """A 48-megapixel photo as a phone's camera writes it (a gradient, so it is not all one colour)."""
    grey = Image.linear_gradient("L").resize(size)
    out = io.BytesIO()
    Image.merge("RGB", (grey, grey.transpose(Image.Transpose.ROTATE_180), grey)).save(out, "JPEG", quality=85)
    return out.getvalue()


def scenarios(base: str):
    hostile = huge_png(7000, 7000, bit_depth=16, colour_type=PNG_RGBA)
    heaviest = [
        ("camera.jpg", phone_jpeg()),
        ("scan.png", colour_png()),
        ("plan.png", huge_png(7000, 7000, bit_depth=8)),
    ]
    yield (
        f"one complaint, the 7000×7000 16-bit RGBA PNG ({len(hostile) / MB:.1f} MB sent)",
        lambda: [Citizen(base).complaint("one-hostile", [("pothole.png", hostile)])()],
    )
    yield (
        "four complaints at once, three hostile PNGs each",
        lambda: at_once([Citizen(base).complaint(f"four-hostile-{n}", [("p.png", hostile)] * 3) for n in range(4)]),
    )
    yield (
        "one complaint, the heaviest accepted photos",
        lambda: [Citizen(base).complaint("one-heavy", heaviest)()],
    )
    yield (
        "four complaints at once, the heaviest accepted photos (48 MP JPEG, 12 MP RGB PNG, 49 MP grey PNG)",
        lambda: at_once([Citizen(base).complaint(f"four-heavy-{n}", heaviest) for n in range(4)]),
    )


def colour_png(size=(4000, 3000)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (120, 90, 60)).save(out, "PNG")
    return out.getvalue()


def main() -> int:
    over = False
    with tempfile.TemporaryDirectory(prefix="jamaati-bench-") as instance:
        env = {**os.environ, "JAMAATI_DEMO": "1", "JAMAATI_INSTANCE": instance}
        demo_instance(env)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = start_server(env, port, threads=4)  # as `make run`
        try:
            wait_healthy(server, base)
            pid = worker_pid(server)
            # Warm up: the first complaint loads the codecs, templates and connections every later one uses.
            assert Citizen(base).complaint("warm-up", [("p.jpg", phone_jpeg((640, 480)))])() == 303
            resident = status_kb(pid, "VmRSS") / 1000
            print(f"Worker memory growth per scenario (budget {BUDGET_MB} MB; worker at {resident:.0f} MB):")
            for name, scenario in scenarios(base):
                growth, statuses = peak_growth(pid, scenario)
                over = over or growth > BUDGET_MB * MB
                verdict = "ok" if growth <= BUDGET_MB * MB else "OVER BUDGET"
                print(f"  {growth / MB:6.1f} MB  {verdict:<11} {name}; answers {statuses}")
        finally:
            stop_server(server)
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
