"""Loopback load on the web application served as in production (``hdil2 serve``: gunicorn,
2 workers) with 100 patients on treatment (the demo ward, ``ward_demo.load(patients=100)``).

    .venv/bin/python bench/web_load.py [--seconds 30] [--patients 100] [--rate R]

Targets, one after another on the same server:

* ``next-dose (rules)``: ``POST /api/v1/rules/next-dose`` (stateless) with a realistic request:
  each course's slots recorded so far and its observations since the last one, as the registry
  builds it (``next_dose_requests``), plus the bedside findings, courses in turn;
* ``next-dose (registry)``: ``POST /api/v1/courses/{id}/next-dose`` with a nurse's API token -
  the advice read from the registry and stored (an Advice row: a committed SQLite write);
* ``ward board``: ``GET /ward/board/`` (the board's fragment, refreshed by htmx), logged in;
* ``trivial``: ``GET /healthz/`` (a database round trip and a tiny JSON answer).

First the capacity of each target (closed loop: a few clients sending back to back for a few
seconds; completed requests per second). Then each target at the SAME fixed rate - by default
half the slowest target's capacity, so the ratio to the trivial endpoint compares like with
like - open loop: request i is due at start + i / rate and its latency is counted from that
time, so a slow server cannot slow the load down and hide its own delay. Finally ``/healthz/``
alone at ``--trivial-rate`` (200 requests/s).

Prints p50 / p99 / max latency, throughput and errors per target and p99(target) /
p99(trivial) (the goal: at most 3, no error), with the load average before the run. The load
generator is Python threads with ``http.client`` on the same 2 cores as the server, so the
numbers include its own cost.
"""

from __future__ import annotations

import argparse
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

BIN = Path(sys.executable).parent
PASSWORD = "bench load password 2025"


def build(db: Path, patients: int) -> dict[str, Any]:
    """A registry with the demo ward of ``patients`` patients on an ``hd-il2-600k`` course at
    spread-out points of it, a nurse with a password and an API token, and each course's
    next-dose request as the registry builds it now (with the bedside findings)."""
    from django.db import connections
    from django.utils import timezone

    from hdil2.registry import conf, ward_demo
    from hdil2.registry.services.treatment import course_slots, next_dose_requests
    from hdil2.web import accounts, roles, setup

    settings = setup.configure(conf.database_settings(path=str(db)))
    setup.migrate(settings)
    roles.ensure_groups()
    courses = ward_demo.load(patients=patients)
    reqs = next_dose_requests(courses, {c.pk: course_slots(c) for c in courses},
                              at=timezone.now())
    rules = []
    for c in courses:
        req = reqs[c.pk]
        if isinstance(req, dict):
            req["observations"] = {**req["observations"], **ward_demo.ALL_CLEAR}
            rules.append(json.dumps(req))
    accounts.add_user("bench-nurse", ["nurse"], PASSWORD)
    token = accounts.issue_token("bench-nurse", "load benchmark")["token"]
    connections.close_all()
    return {"courses": [c.pk for c in courses], "token": token, "rules": rules,
            "bedside": ward_demo.ALL_CLEAR}


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
    return summary(done, n, elapsed)


def summary(done: list[tuple[float, bool]], n: int, elapsed: float) -> dict[str, Any]:
    lat = sorted(t for t, _ in done)
    errors = sum(1 for _, good in done if not good)
    return {"n": n, "errors": errors, "throughput": n / elapsed,
            "p50_ms": 1000 * lat[len(lat) // 2],
            "p99_ms": 1000 * lat[max(0, int(len(lat) * 0.99) - 1)],
            "max_ms": 1000 * lat[-1]}


def capacity(port: int, seconds: float, make: Any, ok: tuple[int, ...],
             clients: int = 4) -> float:
    """Closed loop: ``clients`` threads sending back to back for ``seconds``; completed
    requests per second (a request that failed does not count)."""
    stop = time.perf_counter() + seconds
    counts = [0] * clients

    def client(k: int) -> None:
        i = k
        while time.perf_counter() < stop:
            method, path, body, headers = make(i)
            _, good = _one(port, method, path, body, headers, time.perf_counter(), ok)
            counts[k] += good
            i += clients

    start = time.perf_counter()
    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts) / (time.perf_counter() - start)


def line(name: str, r: dict[str, Any]) -> str:
    return (f"{name:<21} p50 {r['p50_ms']:8.1f} ms  p99 {r['p99_ms']:8.1f} ms  "
            f"max {r['max_ms']:8.1f} ms  {r['throughput']:6.1f} req/s  "
            f"errors {r['errors']}/{r['n']}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rate", type=float, default=None,
                    help="requests per second for every target (default: half the slowest "
                         "target's capacity)")
    ap.add_argument("--trivial-rate", type=float, default=200.0,
                    help="requests per second of /healthz/ alone, last")
    ap.add_argument("--seconds", type=float, default=30.0, help="seconds per target")
    ap.add_argument("--capacity-seconds", type=float, default=8.0,
                    help="seconds of closed-loop load per target to measure its capacity")
    ap.add_argument("--patients", type=int, default=100, help="patients on treatment")
    ap.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    args = ap.parse_args()

    os.environ.setdefault("HDIL2_SECRET_KEY", "bench-only-" + "b" * 40)
    os.environ["HDIL2_SSL_REDIRECT"] = "0"
    tmp = Path(tempfile.mkdtemp(prefix="hdil2-web-load-"))
    db = tmp / "registry.sqlite3"
    t0 = time.perf_counter()
    data = build(db, args.patients)
    print(f"registry: {args.patients} patients on treatment (demo ward), built in "
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
        courses, rules = data["courses"], data["rules"]
        api = {"Authorization": f"Bearer {data['token']}", "Content-Type": "application/json"}
        body = json.dumps({"bedside": data["bedside"], "rulesets": ["label"]})
        targets = {
            "next-dose (rules)": (lambda i: ("POST", "/api/v1/rules/next-dose",
                                             rules[i % len(rules)], api), (200,)),
            "next-dose (registry)": (lambda i: ("POST", f"/api/v1/courses/"
                                                f"{courses[i % len(courses)]}/next-dose",
                                                body, api), (200,)),
            "ward board": (lambda i: ("GET", "/ward/board/", None, cookie), (200,)),
            "trivial": (lambda i: ("GET", "/healthz/", None, cookie), (200,)),
        }
        # a warm-up per target (imports, caches), not counted
        for make, ok in targets.values():
            load(port, 5.0, 1.0, make, ok)
        load1, load5, _ = os.getloadavg()
        print(f"load average before the run: {load1:.2f} (1 min), {load5:.2f} (5 min)",
              flush=True)
        cap = {}
        for name, (make, ok) in targets.items():
            cap[name] = capacity(port, args.capacity_seconds, make, ok)
            print(f"capacity {name:<21} {cap[name]:7.1f} req/s (closed loop, 4 clients)",
                  flush=True)
        rate = args.rate or round(max(1.0, min(cap.values()) / 2), 1)
        print(f"offered load: {rate} req/s per target for {args.seconds:.0f} s", flush=True)
        out = {}
        for name, (make, ok) in targets.items():
            out[name] = load(port, rate, args.seconds, make, ok)
            print(line(name, out[name]), flush=True)
        base = out["trivial"]["p99_ms"]
        for name in targets:
            if name == "trivial":
                continue
            ratio = out[name]["p99_ms"] / base
            print(f"p99({name}) / p99(trivial) = {ratio:.2f}x "
                  f"({'within' if ratio <= 3 else 'above'} the 3x goal)")
        make, ok = targets["trivial"]
        alone = load(port, args.trivial_rate, args.seconds, make, ok)
        print(line(f"trivial @ {args.trivial_rate:.0f}/s", alone), flush=True)
        load1, load5, _ = os.getloadavg()
        print(f"load average after the run: {load1:.2f} (1 min), {load5:.2f} (5 min)")
    finally:
        os.kill(proc.pid, signal.SIGTERM)
        proc.wait(30)
        log.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
