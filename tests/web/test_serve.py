"""``hdil2 serve`` (the main job, issue 14 Build 4): a real gunicorn server on a free loopback
port, on a demo registry built on first use; plain HTTP requests against it."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import pytest

from hdil2.cli.invoke import invoke

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HDIL2_", "DJANGO_"))}
    env["HDIL2_SECRET_KEY"] = "serve-test-" + "q" * 40
    return env


class Server:
    """A running ``hdil2 serve`` and what it printed."""

    def __init__(self, tmp: Path, db: Path | None = None) -> None:
        """Serve the demo registry in ``tmp`` (built on first use), or the registry ``db``."""
        self.port = free_port()
        self.db = db or tmp / "demo.sqlite3"
        self.err_path = tmp / "stderr.txt"
        self.out_path = tmp / "stdout.txt"
        demo = ["--demo"] if db is None else []
        with self.err_path.open("wb") as err, self.out_path.open("wb") as out:
            self.proc = subprocess.Popen(
                [str(BIN / "hdil2"), "serve", *demo, "--db", str(self.db), "--port",
                 str(self.port), "--workers", "1"], stdout=out, stderr=err, env=_env(),
                start_new_session=True)

    @property
    def stderr(self) -> str:
        return self.err_path.read_text(errors="replace")

    def wait_ready(self, seconds: float = 400) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"hdil2 serve exited {self.proc.returncode}:\n{self.stderr[-3000:]}")
            try:
                if self.request("GET", "/login/")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.5)
        pytest.fail(f"hdil2 serve not answering after {seconds} s:\n{self.stderr[-3000:]}")

    def request(self, method: str, path: str, body: str | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, Any, bytes]:
        con = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            con.request(method, path, body=body, headers=headers or {})
            r = con.getresponse()
            return r.status, r.headers, r.read()
        finally:
            con.close()

    def stop(self) -> int:
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)  # gunicorn: graceful shutdown
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
                pytest.fail("gunicorn did not stop within 30 s of SIGTERM")
        return self.proc.returncode


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    s = Server(tmp_path_factory.mktemp("serve"))
    try:
        s.wait_ready()
        yield s
    finally:
        s.stop()


def _logins(text: str) -> dict[str, tuple[str, str]]:
    """role -> (user name, password) as ``hdil2 serve --demo`` prints them."""
    out = {}
    for m in re.finditer(r"^\s+(viewer|nurse|physician|data_manager|admin)\s+(\S+)\s+(\S+)\s*$",
                         text, re.M):
        out[m.group(1)] = (m.group(2), m.group(3))
    return out


def _cookies(headers: Any) -> dict[str, Any]:
    jar: SimpleCookie = SimpleCookie()
    for value in headers.get_all("Set-Cookie") or []:
        jar.load(value)
    return dict(jar)


def test_serve_prints_the_url_and_a_login_per_role(server: Server) -> None:
    text = server.stderr
    assert f"http://127.0.0.1:{server.port}/" in text
    logins = _logins(text)
    assert sorted(logins) == ["admin", "data_manager", "nurse", "physician", "viewer"]
    assert logins["nurse"][0] == "demo-nurse"
    assert all(len(pw) >= 12 for _, pw in logins.values())


def test_gunicorn_answers_the_login_page(server: Server) -> None:
    status, headers, body = server.request("GET", "/login/")
    assert status == 200
    assert b"<h1>Log in</h1>" in body
    assert "gunicorn" in headers.get("Server", "")
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    # plain HTTP on the loopback interface: no redirect to HTTPS, no HSTS over HTTP
    assert "Strict-Transport-Security" not in headers


def test_the_printed_nurse_login_works_over_http(server: Server) -> None:
    """The Secure cookies are read from Set-Cookie by hand (a browser keeps them on
    http://127.0.0.1, a secure context; plain HTTP clients drop them)."""
    user, password = _logins(server.stderr)["nurse"]
    status, headers, body = server.request("GET", "/login/")
    csrf = _cookies(headers)["csrftoken"]
    assert csrf["secure"]
    assert csrf["httponly"]
    form = urllib.parse.urlencode({"username": user, "password": password,
                                   "csrfmiddlewaretoken": csrf.value, "next": ""})
    status, headers, _ = server.request("POST", "/login/", form, {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": f"csrftoken={csrf.value}"})
    assert status == 302, _
    assert headers["Location"] == "/ward/"
    session = _cookies(headers)["sessionid"]
    assert session["secure"]
    assert session["httponly"]
    status, _, body = server.request("GET", "/ward/", headers={
        "Cookie": f"sessionid={session.value}"})
    assert status == 200
    assert b"demo-nurse" in body
    # a wrong password is refused (the form again, no session)
    form = urllib.parse.urlencode({"username": user, "password": "not " + password,
                                   "csrfmiddlewaretoken": csrf.value})
    status, headers, _ = server.request("POST", "/login/", form, {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": f"csrftoken={csrf.value}"})
    assert status == 200
    assert "sessionid" not in _cookies(headers)


@pytest.mark.parametrize(("name", "immutable"), [("hdil2/hdil2.css", False),
                                                 ("hdil2/htmx-2.0.11.min.js", True)])
def test_static_files_are_served_by_whitenoise_with_a_long_cache(
        server: Server, name: str, immutable: bool) -> None:
    status, headers, body = server.request("GET", f"/static/{name}")
    assert status == 200
    src = Path(__file__).resolve().parents[2] / "src" / "hdil2" / "web" / "static" / name
    assert body == src.read_bytes()
    cache = headers["Cache-Control"]
    age = int(re.search(r"max-age=(\d+)", cache).group(1))  # type: ignore[union-attr]
    if immutable:
        assert "immutable" in cache
        assert age >= 365 * 24 * 3600
    else:
        assert age >= 24 * 3600


def test_check_prepares_and_exits_without_serving(server: Server) -> None:
    """--check on the served registry: the JSON answer, exit 0, nothing listening on its port."""
    port = free_port()
    done = subprocess.run([str(BIN / "hdil2"), "serve", "--demo", "--db", str(server.db),
                           "--port", str(port), "--check", "--json"], capture_output=True,
                          text=True, env=_env(), timeout=300)
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert doc["url"] == f"http://127.0.0.1:{port}/"
    assert doc["served"] is False
    assert {row["role"] for row in doc["logins"]} == {"viewer", "nurse", "physician",
                                                      "data_manager", "admin"}
    # the same passwords as the running server printed (kept beside the database)
    assert {r["role"]: (r["username"], r["password"]) for r in doc["logins"]} == _logins(
        server.stderr)
    with pytest.raises(ConnectionRefusedError), socket.create_connection(("127.0.0.1", port),
                                                                         timeout=2):
        pass


def test_sigterm_stops_the_server_cleanly(tmp_path: Path, server: Server) -> None:
    """A second server on the same (already built) registry starts fast and stops on SIGTERM
    with status 0."""
    other = Server(tmp_path, server.db)
    other.wait_ready(120)
    assert other.stop() == 0
    with pytest.raises(ConnectionRefusedError), socket.create_connection(("127.0.0.1", other.port),
                                                          timeout=2):
        pass


@pytest.mark.parametrize(("args", "field"), [
    (["--port", "0"], "port"), (["--port", "65536"], "port"), (["--port", "-1"], "port"),
    (["--workers", "0"], "workers"), (["--workers", "33"], "workers"),
])
def test_bad_port_or_workers_exit_2_naming_the_field(args: list[str], field: str,
                                                     tmp_path: Path) -> None:
    """Refused before anything is prepared: no registry file created."""
    db = tmp_path / "never.sqlite3"
    code, out, err = invoke(["serve", "--demo", "--db", str(db), *args, "--json"], "")
    assert code == 2
    assert out == ""
    assert json.loads(err)["errors"][0]["field"] == field
    assert not db.exists()


def test_serve_without_demo_needs_an_existing_registry(tmp_path: Path) -> None:
    code, _, err = invoke(["serve", "--db", str(tmp_path / "none.sqlite3"), "--check",
                             "--json"], "")
    assert code == 2
    assert json.loads(err)["errors"][0]["field"] == "db"
