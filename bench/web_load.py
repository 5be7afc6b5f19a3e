"""Loopback load on the web application served as in production (``hdil2 serve``: gunicorn,
2 workers) with 100 patients on treatment.

    .venv/bin/python bench/web_load.py [--rate 200] [--seconds 30] [--patients 100]

Three targets in the same run, one after another on the same server, each at a fixed
request rate (open loop: request i is due at start + i / rate and its latency is counted from
that time, so a slow server cannot slow the load down and hide its own delay):

* ``next-dose``: ``POST /api/v1/courses/{id}/next-dose`` with a nurse's API token, the courses in
  turn - the advice the ward asks for, read from the registry and stored;
* ``ward board``: ``GET /ward/board/`` (the board's fragment, refreshed by htmx), logged in;
* ``trivial``: ``GET /healthz/`` (a database round trip and a tiny JSON answer), or ``GET /``
  (a redirect) when the URL configuration has no ``/healthz/``.

Prints p50 / p99 latency, throughput and errors per target and p99(target) / p99(trivial)
(the goal: at most 3, no error).  The load generator is Python threads with ``http.client``
on the same 2 cores as the server, so the numbers include its own cost.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

BIN = Path(sys.executable).parent
PASSWORD = "bench load password 2025"
TZ = "Europe/London"


def build(db: Path, patients: int) -> dict[str, Any]:
    """A registry with ``patients`` patients on an ``hd-il2-600k`` course that started a few
    hours ago (so a dose is due now), a nurse with a password and an API token."""
    from django.db import connections

    from hdil2.registry import conf, services
    from hdil2.registry.users import system_user
    from hdil2.web import accounts, roles, setup

    settings = setup.configure(conf.database_settings(path=str(db)))
    setup.migrate(settings)
    roles.ensure_groups()
    by = system_user("bench_web")
    now = dt.datetime.now(ZoneInfo(TZ))
    courses = []
    for i in range(patients):
        p = services.enrol(by=by, registry_id=f"LOAD-{i:03d}", disease="rcc",
                           sex="female" if i % 2 else "male", birth_date="1960-03-04",
                           metastatic_sites=["lung"]).rows[0]
        first = (now - dt.timedelta(hours=1 + (i % 7) * 8)).strftime("%Y-%m-%dT%H:%M")
        planned = services.plan_course(p.pk, by=by, regimen="hd-il2-600k", first_dose=first,
                                       ward_tz=TZ, weight=f"{60 + i % 30} kg")
        courses.append(planned.rows[1].pk)
    accounts.add_user("bench-nurse", ["nurse"], PASSWORD)
    token = accounts.issue_token("bench-nurse", "load benchmark")["token"]
    connections.close_all()
    return {"courses": courses, "token": token}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def request(port: int, method: str, path: str, body: str | None = None,
            headers: dict[str, str] | None = None) -> tuple[int, Any, bytes]:
    con = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        con.request(method, path, body=body, headers=headers or {})
        r = con.getresponse()
        return r.status, r.headers, r.read()
    finally:
        con.close()


def login(port: int) -> str:
    """The session cookie of the nurse, logged in through the form (cookies read by hand:
    they are Secure, which a plain HTTP client would drop)."""
    _, headers, _ = request(port, "GET", "/login/")
    jar: SimpleCookie = SimpleCookie()
    for v in headers.get_all("Set-Cookie") or []:
        jar.load(v)
    csrf = jar["csrftoken"].value
    form = urllib.parse.urlencode({"username": "bench-nurse", "password": PASSWORD,
                                   "csrfmiddlewaretoken": csrf})
    status, headers, _ = request(port, "POST", "/login/", form, {
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={csrf}"})
    assert status == 302, status
    jar = SimpleCookie()
    for v in headers.get_all("Set-Cookie") or []:
        jar.load(v)
    return jar["sessionid"].value


_local = threading.local()


def _conn(port: int) -> http.client.HTTPConnection:
    con = getattr(_local, "con", None)
    if con is None:
        con = _local.con = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    return con


def _one(port: int, method: str, path: str, body: str | None, headers: dict[str, str],
         due: float, ok: tuple[int, ...]) -> tuple[float, bool]:
    for attempt in (0, 1):  # a kept-alive connection the server closed: reconnect once
        con = _conn(port)
        try:
            con.request(method, path, body=body, headers=headers)
            r = con.getresponse()
            r.read()
            return time.perf_counter() - due, r.status in ok
        except (http.client.HTTPException, OSError):
            con.close()
            _local.con = None
            if attempt:
                return time.perf_counter() - due, False
    raise AssertionError("unreachable")


def load(port: int, rate: float, seconds: float, make: Any,
         ok: tuple[int, ...] = (200,)) -> dict[str, Any]:
    """Open-loop load: request i due at start + i / rate; latency from the due time."""
    n = int(rate * seconds)
    results: list[Any] = []
    with ThreadPoolExecutor(max_workers=64) as pool:
        start = time.perf_counter() + 0.2
        for i in range(n):
            due = start + i / rate
            delay = due - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            method, path, body, headers = make(i)
            results.append(pool.submit(_one, port, method, path, body, headers, due, ok))
        done = [f.result() for f in results]
    elapsed = time.perf_counter() - start
    lat = sorted(t for t, _ in done)
    errors = sum(1 for _, good in done if not good)
    return {"n": n, "errors": errors, "throughput": n / elapsed,
            "p50_ms": 1000 * lat[len(lat) // 2], "p99_ms": 1000 * lat[int(len(lat) * 0.99) - 1]}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rate", type=float, default=200.0, help="requests per second")
    ap.add_argument("--seconds", type=float, default=30.0, help="seconds per target")
    ap.add_argument("--patients", type=int, default=100, help="patients on treatment")
    ap.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    args = ap.parse_args()

    os.environ.setdefault("HDIL2_SECRET_KEY", "bench-only-" + "b" * 40)
    os.environ["HDIL2_SSL_REDIRECT"] = "0"
    tmp = Path(tempfile.mkdtemp(prefix="hdil2-web-load-"))
    db = tmp / "registry.sqlite3"
    t0 = time.perf_counter()
    data = build(db, args.patients)
    print(f"registry: {args.patients} patients on treatment, built in "
          f"{time.perf_counter() - t0:.1f} s", flush=True)
    port = free_port()
    log = (tmp / "server.log").open("wb")
    proc = subprocess.Popen([str(BIN / "hdil2"), "serve", "--db", str(db), "--port", str(port),
                             "--workers", str(args.workers)], stdout=subprocess.DEVNULL,
                            stderr=log, start_new_session=True)
    try:
        for _ in range(240):
            try:
                if request(port, "GET", "/login/")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.5)
        else:
            raise SystemExit("the server did not answer")
        session = login(port)
        cookie = {"Cookie": f"sessionid={session}"}
        trivial = "/healthz/" if request(port, "GET", "/healthz/", headers=cookie)[0] == 200 \
            else "/"
        trivial_ok = (200,) if trivial == "/healthz/" else (302,)
        courses = data["courses"]
        api = {"Authorization": f"Bearer {data['token']}", "Content-Type": "application/json"}
        body = json.dumps({"bedside": {}, "rulesets": ["label"]})
        targets = {
            "next-dose": (lambda i: ("POST", f"/api/v1/courses/{courses[i % len(courses)]}"
                                             "/next-dose", body, api), (200,)),
            "ward board": (lambda i: ("GET", "/ward/board/", None, cookie), (200,)),
            "trivial": (lambda i: ("GET", trivial, None, cookie), trivial_ok),
        }
        # a warm-up second per target (imports, caches), not counted
        for make, ok in targets.values():
            load(port, min(args.rate, 20.0), 1.0, make, ok)
        out = {}
        for name, (make, ok) in targets.items():
            out[name] = load(port, args.rate, args.seconds, make, ok)
            r = out[name]
            print(f"{name:<11} p50 {r['p50_ms']:8.1f} ms  p99 {r['p99_ms']:8.1f} ms  "
                  f"{r['throughput']:6.1f} req/s  errors {r['errors']}/{r['n']}", flush=True)
        base = out["trivial"]["p99_ms"]
        print(f"trivial endpoint: GET {trivial}")
        for name in ("next-dose", "ward board"):
            ratio = out[name]["p99_ms"] / base
            print(f"p99({name}) / p99(trivial) = {ratio:.2f}x "
                  f"({'within' if ratio <= 3 else 'above'} the 3x goal)")
    finally:
        os.kill(proc.pid, signal.SIGTERM)
        proc.wait(30)
        log.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
