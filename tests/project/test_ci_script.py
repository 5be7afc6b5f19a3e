"""Issue 11 item 2: CI runs the registry suite on PostgreSQL too.

``.ci/postgres.sh start|url|stop`` starts a throwaway PostgreSQL cluster (its own temporary
directory, 127.0.0.1 only, a free port, never as root), prints its URL, and removes it again;
``python3 tasks.py test-postgres`` runs ``tests/registry`` against it with
``HDIL2_TEST_DATABASE_URL`` set; ``.ci/run`` calls that after the normal test job.

The tests that start a server need PostgreSQL's server programs (Debian: the postgresql
package) and are skipped without them: the first CI phase runs before .ci/run installs them.
Run as root, the script creates the system user ``hdil2ci`` that owns the cluster.  Each test
keeps its state file in its own temporary directory, so it never touches a server a developer
started with the default state file.
"""

from __future__ import annotations

import importlib.util
import os
import pwd
import re
import shutil
import subprocess
from pathlib import Path
from types import ModuleType

import pytest

from peer_data import ROOT

SCRIPT = ROOT / ".ci" / "postgres.sh"
URL = re.compile(r"\Apostgresql://hdil2@127\.0\.0\.1:(\d+)/hdil2_test\Z")


def _server_bindir() -> Path | None:
    """Where the script will find initdb, pg_ctl and postgres (the same search), or None."""
    wanted = ("initdb", "pg_ctl", "postgres")
    candidates = [Path(os.environ["HDIL2_PG_BINDIR"])] if os.environ.get("HDIL2_PG_BINDIR") else []
    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    if pg_ctl := shutil.which("pg_ctl"):
        candidates.append(Path(pg_ctl).resolve().parent)
    return next((d for d in candidates if all((d / w).is_file() for w in wanted)), None)


BINDIR = _server_bindir()
needs_postgres = pytest.mark.skipif(
    BINDIR is None or shutil.which("bash") is None,
    reason="PostgreSQL server programs (initdb, pg_ctl, postgres) not found",
)


def _script(state: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HDIL2_PG_STATE": str(state)}
    return subprocess.run(["bash", str(SCRIPT), *args], capture_output=True, text=True, env=env,
                          cwd=ROOT, check=False, timeout=300)


def _state(path: Path) -> dict[str, str]:
    """The state file's KEY=value lines (the values have no characters that need quoting)."""
    return dict(line.split("=", 1) for line in path.read_text().splitlines())


def _psql(url: str, sql: str) -> str:
    assert BINDIR is not None
    psql = BINDIR / "psql" if (BINDIR / "psql").is_file() else Path(shutil.which("psql") or "psql")
    done = subprocess.run([str(psql), url, "-X", "-A", "-t", "-c", sql], capture_output=True,
                          text=True, check=False, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def _accepting(port: str) -> bool:
    assert BINDIR is not None
    isready = BINDIR / "pg_isready" if (BINDIR / "pg_isready").is_file() else "pg_isready"
    return subprocess.run([str(isready), "-q", "-h", "127.0.0.1", "-p", port, "-t", "2"],
                          check=False).returncode == 0


def _tasks() -> ModuleType:
    spec = importlib.util.spec_from_file_location("tasks_under_test", ROOT / "tasks.py")
    assert spec is not None
    assert spec.loader is not None
    tasks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tasks)
    return tasks


def test_item2_stop_without_a_server_is_a_no_op_and_url_fails(tmp_path: Path) -> None:
    state = tmp_path / "pg.state"
    stop = _script(state, "stop")
    assert stop.returncode == 0, stop.stderr
    assert "no server of ours is running" in stop.stderr
    url = _script(state, "url")
    assert url.returncode == 1
    assert url.stdout == ""
    assert "bash .ci/postgres.sh start" in url.stderr
    usage = _script(state, "restart")
    assert usage.returncode == 2
    assert "start|stop|url" in usage.stderr


@needs_postgres
def test_item2_start_url_stop_round_trip(tmp_path: Path) -> None:
    state = tmp_path / "pg.state"
    start = _script(state, "start")
    try:
        assert start.returncode == 0, start.stderr
        url = start.stdout.strip()
        match = URL.match(url)
        assert match, url
        port = match.group(1)
        recorded = _state(state)
        cluster = Path(recorded["DIR"])

        # a second start reuses the running server; url prints the same URL
        again = _script(state, "start")
        assert again.returncode == 0, again.stderr
        assert again.stdout.strip() == url
        assert "reusing it" in again.stderr
        assert _script(state, "url").stdout.strip() == url

        # the database exists and answers as hdil2, on 127.0.0.1 only, at the URL's port
        assert _psql(url, "SELECT current_database() || ' ' || current_user") == "hdil2_test hdil2"
        assert _psql(url, "SHOW listen_addresses") == "127.0.0.1"
        assert _psql(url, "SHOW port") == port
        # the cluster (and so the server, which runs as the data directory's owner) is not root's
        owner = pwd.getpwnam("hdil2ci").pw_uid if os.getuid() == 0 else os.getuid()
        assert (cluster / "data").stat().st_uid == owner != 0
    finally:
        stop = _script(state, "stop")
    assert stop.returncode == 0, stop.stderr
    assert not cluster.exists()
    assert not state.exists()
    assert not _accepting(port)
    assert _script(state, "stop").returncode == 0  # stopping twice is fine


def test_item2_tasks_test_postgres_without_registry_suite_says_so(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    tasks = _tasks()
    assert tasks.EXTRAS["test-postgres"] == ("dev",)
    assert "python3 tasks.py test-postgres" in tasks.__doc__
    monkeypatch.setattr(tasks, "ROOT", tmp_path)  # a checkout without tests/registry
    called: list[tuple[str, ...]] = []
    monkeypatch.setattr(tasks, "run", lambda *cmd, **kw: called.append(cmd))
    tasks.JOBS["test-postgres"]([])
    assert called == []
    assert "tests/registry does not exist" in capsys.readouterr().out


@needs_postgres
def test_item2_tasks_test_postgres_runs_the_registry_suite_on_a_server_it_stops(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A checkout whose registry suite records the URL it was given and connects to it."""
    assert BINDIR is not None
    (tmp_path / ".ci").mkdir()
    shutil.copy(SCRIPT, tmp_path / ".ci" / "postgres.sh")
    registry = tmp_path / "tests" / "registry"
    registry.mkdir(parents=True)
    seen = tmp_path / "seen.txt"
    (registry / "test_seen.py").write_text(
        "import os, subprocess\n"
        "def test_url():\n"
        "    url = os.environ['HDIL2_TEST_DATABASE_URL']\n"
        f"    open({str(seen)!r}, 'w').write(url)\n"
        f"    subprocess.run([{str(BINDIR / 'pg_isready')!r}, '-d', url], check=True)\n"
    )
    monkeypatch.setenv("HDIL2_PG_STATE", str(tmp_path / "pg.state"))
    monkeypatch.delenv("HDIL2_TEST_DATABASE_URL", raising=False)
    tasks = _tasks()
    monkeypatch.setattr(tasks, "ROOT", tmp_path)
    tasks.JOBS["test-postgres"](["-p", "no:cacheprovider"])
    match = URL.match(seen.read_text())
    assert match, seen.read_text()
    assert not (tmp_path / "pg.state").exists()
    assert not _accepting(match.group(1))
