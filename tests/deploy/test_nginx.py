"""deploy/nginx/jamaati.conf, run for real: Debian's nginx (its own prefix, free high ports, a
throwaway certificate) in front of gunicorn, and checked from the outside as a phone sees it."""

from __future__ import annotations

import datetime
import ipaddress
import json
import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from app.config import Config
from tests.servers import ROOT, app_env, flask, free_port, gunicorn, server_database, sign_in, wait_until

NGINX = Path("/usr/sbin/nginx")
BROTLI_MODULE = Path("/usr/lib/nginx/modules/ngx_http_brotli_static_module.so")
SITE = ROOT / "deploy" / "nginx" / "jamaati.conf"


def _require_nginx() -> None:
    missing = [str(p) for p in (NGINX, BROTLI_MODULE) if not p.exists()]
    if missing:
        message = f"missing {missing}: apt-get install nginx-light libnginx-mod-http-brotli-static"
        if os.environ.get("REQUIRE_NGINX"):
            pytest.fail(message)
        pytest.skip(message)


def _certificate(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


def _site(app_port: int, http_port: int, https_port: int, cert: Path, key: Path, static: Path, uploads: Path) -> str:
    """The shipped file with only what its comments mark ADAPT replaced (each exactly once)."""
    site = SITE.read_text()
    for old, new in {
        "server 127.0.0.1:8000;": f"server 127.0.0.1:{app_port};",
        "    listen 80;\n": f"    listen {http_port};\n",
        "    listen [::]:80;\n": "",
        "    listen 443 ssl http2;\n": f"    listen {https_port} ssl http2;\n",
        "    listen [::]:443 ssl http2;\n": "",
        "/etc/letsencrypt/live/jamaati.example.ma/fullchain.pem": str(cert),
        "/etc/letsencrypt/live/jamaati.example.ma/privkey.pem": str(key),
        "/srv/jamaati/static/": f"{static}/",
        "/srv/jamaati/uploads/": f"{uploads}/",
    }.items():
        assert site.count(old) == 1, f"deploy/nginx/jamaati.conf no longer has {old!r} once"
        site = site.replace(old, new)
    return site


def _main_config(prefix: Path, site: Path) -> str:
    temp = prefix / "temp"
    temp.mkdir()
    return f"""
load_module {BROTLI_MODULE};
{"user root;" if os.geteuid() == 0 else ""}
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log;
events {{ worker_connections 128; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {prefix}/access.log;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {site};
}}
"""


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


@pytest.fixture(scope="module")
def deployment(request, tmp_path_factory):
    _require_nginx()
    tmp = tmp_path_factory.mktemp("deploy")
    with server_database(request.config, tmp) as database:
        yield from _deployment(tmp, database)


def _deployment(tmp: Path, database: str):
    instance, uploads, prefix = tmp / "instance", tmp / "uploads", tmp / "nginx"
    for folder in (instance, uploads, prefix):
        folder.mkdir()
    static = tmp / "static"
    shutil.copytree(ROOT / "static", static)
    seed_env = app_env(instance, DATABASE_URL=database, JAMAATI_UPLOADS=str(uploads))
    flask(seed_env, "static", "compress", "--folder", str(static))
    seeded = subprocess.run(
        [sys.executable, "-m", "tests.deploy.seed"], cwd=ROOT, env=seed_env, check=True, capture_output=True, text=True
    )
    ids = json.loads(seeded.stdout.strip().splitlines()[-1])
    app_port, http_port, https_port = free_port(), free_port(), free_port()
    production = {key: value for key, value in seed_env.items() if key != "JAMAATI_DEMO"}
    production.update(
        JAMAATI_PUBLIC_URL=f"https://127.0.0.1:{https_port}",
        JAMAATI_TRUSTED_PROXIES="1",
        JAMAATI_UPLOADS_ACCEL_REDIRECT="/_uploads/",
        JAMAATI_AUTH_RATE_LIMIT="5 per minute",
    )
    cert, key = _certificate(tmp)
    site = prefix / "jamaati.conf"
    site.write_text(_site(app_port, http_port, https_port, cert, key, static, uploads))
    (prefix / "nginx.conf").write_text(_main_config(prefix, site))
    with gunicorn(production, port=app_port, log=tmp / "gunicorn.log") as app_url:
        nginx = subprocess.Popen(
            [
                NGINX,
                "-p",
                str(prefix),
                "-e",
                str(prefix / "error.log"),
                "-c",
                str(prefix / "nginx.conf"),
                "-g",
                "daemon off;",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            wait_until(lambda: nginx.poll() is not None or _listening(https_port), "nginx listening")
            assert nginx.poll() is None, nginx.stderr.read().decode()
            yield {
                "url": f"https://127.0.0.1:{https_port}",
                "http_url": f"http://127.0.0.1:{http_port}",
                "https_port": https_port,
                "app_url": app_url,
                "cert": str(cert),
                "static": static,
                "uploads": uploads,
                **ids,
            }
        finally:
            nginx.terminate()
            nginx.wait(timeout=10)
            nginx.stderr.close()


class FromAddress(requests.adapters.HTTPAdapter):
    """A client on its own address of the loopback range: to nginx, another phone."""

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def phone(deployment, address: str = "127.0.0.1") -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # else REQUESTS_CA_BUNDLE would win over the throwaway certificate
    session.verify = deployment["cert"]
    session.mount("https://", FromAddress(address))
    return session


def test_links_are_https_cookies_secure_and_hsts_sent(deployment):
    base = deployment["url"]
    plain = requests.get(deployment["http_url"] + "/complaints/new", allow_redirects=False, timeout=10)
    assert plain.status_code == 301 and plain.headers["Location"].startswith("https://")

    discovery = phone(deployment).get(base + "/open311/v2/discovery.json", timeout=10).json()
    assert discovery["endpoints"][0]["url"] == base + "/open311/v2"

    citizen = phone(deployment)
    signed_in = sign_in(citizen, base, "citizen@demo.ma")
    assert signed_in.status_code == 303
    session_cookie = next(c for c in citizen.cookies if c.name == "session")
    assert session_cookie.secure
    assert "Secure" in signed_in.headers["Set-Cookie"] and "HttpOnly" in signed_in.headers["Set-Cookie"]
    certificate = citizen.get(f"{base}/permits/{deployment['case']}/certificate", timeout=10)
    assert certificate.status_code == 200 and "<svg" in certificate.text
    # The QR code holds the same address the page prints under it.
    assert re.search(re.escape(base) + r"/verify/[\w-]+", certificate.text)
    assert certificate.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_nginx_speaks_http2(deployment):
    context = ssl.create_default_context(cafile=deployment["cert"])
    context.set_alpn_protocols(["h2", "http/1.1"])
    with (
        socket.create_connection(("127.0.0.1", deployment["https_port"])) as raw,
        context.wrap_socket(raw, server_hostname="localhost") as tls,
    ):
        assert tls.selected_alpn_protocol() == "h2"


def test_the_sign_in_limit_counts_each_client_address_not_nginxs(deployment):
    base = deployment["url"]
    first, second = phone(deployment, "127.0.0.2"), phone(deployment, "127.0.0.3")
    # A forged X-Forwarded-For does not make a client someone else: nginx appends what it saw.
    forged = {"X-Forwarded-For": "127.0.0.9"}
    attempts = [sign_in(first, base, "nobody@demo.ma", "wrong", headers=forged).status_code for _ in range(6)]
    assert attempts == [200] * 5 + [429]
    assert sign_in(second, base, "nobody@demo.ma", "wrong").status_code == 200


def test_a_private_file_is_refused_without_access_and_sent_by_nginx_with_it(deployment):
    base, url = deployment["url"], f"{deployment['url']}/permits/files/{deployment['document']}"
    assert (deployment["uploads"] / deployment["storage_name"]).is_file()
    guest = phone(deployment).get(url, allow_redirects=False, timeout=10)
    assert guest.status_code == 302 and "/signin" in guest.headers["Location"]
    other = phone(deployment)
    sign_in(other, base, "other@demo.ma")
    assert other.get(url, timeout=10).status_code == 404
    assert phone(deployment).get(f"{base}/_uploads/{deployment['storage_name']}", timeout=10).status_code == 404

    owner = phone(deployment)
    sign_in(owner, base, "citizen@demo.ma")
    sent = owner.get(url, timeout=10)
    assert sent.status_code == 200, sent.url
    assert sent.content == (deployment["uploads"] / deployment["storage_name"]).read_bytes()
    assert sent.headers["Cache-Control"] == "private, no-store" and "X-Accel-Redirect" not in sent.headers
    assert sent.headers["X-Content-Type-Options"] == "nosniff"
    # The app only checked and pointed: the bytes came from nginx.
    direct = requests.get(
        deployment["app_url"] + f"/permits/files/{deployment['document']}",
        headers={
            "Cookie": f"session={owner.cookies['session']}",  # a Secure cookie, sent by hand over http
            "Host": f"127.0.0.1:{deployment['https_port']}",  # the public address: any other is refused
        },
        allow_redirects=False,
        timeout=10,
    )
    assert direct.headers["X-Accel-Redirect"] == f"/_uploads/{deployment['storage_name']}" and not direct.content


def test_static_files_come_from_nginx_precompressed_and_kept_a_year(deployment):
    base = deployment["url"]
    returning = phone(deployment)
    returning.get(base + "/signin", timeout=10)  # a first visit has the stylesheet inline
    page = returning.get(base + "/signin", timeout=10).text
    stylesheet = re.search(r'href="(/static/build/app\.css\?v=\w+)"', page).group(1)
    original = (deployment["static"] / "build" / "app.css").read_bytes()
    for encoding in ("br", "gzip"):
        answer = phone(deployment).get(base + stylesheet, headers={"Accept-Encoding": encoding}, timeout=10)
        assert answer.status_code == 200 and answer.headers["Content-Encoding"] == encoding
        assert answer.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert answer.content == original  # decoded by the client
        assert "Accept-Encoding" in answer.headers["Vary"]
    unversioned = phone(deployment).get(base + "/static/build/app.css", timeout=10)
    assert unversioned.headers["Cache-Control"] == "no-cache"
    icon = phone(deployment).get(base + "/static/icons/icon.svg", timeout=10)
    assert icon.headers["Content-Security-Policy"].startswith("default-src 'none'")


def test_nginx_takes_at_least_what_the_app_accepts():
    """Up to the app's own limit the app answers (its page says the file is too large and keeps the
    form); nginx refuses only what is larger still."""
    limit = re.search(r"client_max_body_size (\d+)m;", SITE.read_text()).group(1)
    assert int(limit) * 1024 * 1024 >= Config.MAX_CONTENT_LENGTH
    assert int(limit) * 1024 * 1024 < 2 * Config.MAX_CONTENT_LENGTH
