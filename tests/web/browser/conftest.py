"""Browser tests of the web application: the real server, Debian's chromium, axe-core.

The package starts the application's main job itself -- ``hdil2 serve --demo --db TMP/demo.sqlite3
--port FREE`` in a subprocess -- parses the demo logins it prints, waits until it answers, and
stops it at the end.  Playwright drives Debian's ``chromium`` (``/usr/bin/chromium``, or the file
``HDIL2_CHROMIUM`` names); browsers are never downloaded (no ``playwright install``).

Every step of a flow (:meth:`Tab.step`) does three things:

- saves a full-page screenshot as ``artifacts/<test>/<nn>-<step>.png`` (git-ignored; kept as test
  artifacts);
- asserts the page broke none of the application's own Content Security Policy: the flows run in
  browser contexts that enforce it, and every console message mentioning "Content Security
  Policy" (and every uncaught script error) fails the test;
- runs axe-core (the npm package ``axe-core``, pinned with its lockfile in ``node/``) on the
  page's current DOM and fails on any ``serious`` or ``critical`` violation, printing them.
  The CSP (``script-src 'self'``) refuses an injected script, so axe runs in a second browser
  context with ``bypass_csp=True`` -- that context only: it loads a page of the same origin (the
  login page, so the same stylesheets resolve), writes the flow page's serialised DOM into it
  (scripts removed) and injects ``axe.min.js``.  The flow's own context never bypasses the CSP.

Guide screenshots (:meth:`Tab.guide_shot`): when the environment variable
``HDIL2_DOCS_SCREENSHOTS`` names a directory (``docs/images/screens`` for the user guides), a
flow's step also saves the current viewport (1280x800 CSS pixels, not the full page, PNG) as
``<name>.png`` there; unset, nothing is written outside ``artifacts/``.  The guides may only show
screenshots named by a ``guide_shot`` call (a test in ``tests/docs/test_guides.py`` greps for
them).

Without chromium, Playwright, Node/npm or the pinned axe-core the package is skipped with the
reason; under ``CI=true`` (``.ci/run`` installs chromium and Node) that is a failure instead.
``npm ci`` runs once per lockfile (a stamp with the lockfile's SHA-256 is left in node_modules).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import pytest

HERE = Path(__file__).resolve().parent
ARTIFACTS = HERE / "artifacts"
NODE_DIR = HERE / "node"
LOCKFILE = NODE_DIR / "package-lock.json"
STAMP = NODE_DIR / "node_modules" / ".hdil2-lockfile-sha256"
AXE_JS = NODE_DIR / "node_modules" / "axe-core" / "axe.min.js"

CHROMIUM = Path(os.environ.get("HDIL2_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]

#: the directory user-guide screenshots go to (``docs/images/screens``), when set
DOCS_SCREENSHOTS_ENV = "HDIL2_DOCS_SCREENSHOTS"
#: the viewport of a guide screenshot (CSS pixels)
GUIDE_VIEWPORT = {"width": 1280, "height": 800}
GUIDE_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

#: how long the demo registry may take to build and the server to answer (seconds)
SERVER_START_TIMEOUT = 300
#: Playwright's default timeout for an action or an expectation (milliseconds)
ACTION_TIMEOUT_MS = 15_000

ROLES = ("viewer", "nurse", "physician", "data_manager", "admin")
#: a demo login as ``hdil2 serve --demo`` prints it: "  nurse   demo-nurse   <password>"
LOGIN_LINE = re.compile(r"^\s*(" + "|".join(ROLES) + r")\s+(demo-[a-z-]+)\s+(\S+)\s*$")


def unavailable(reason: str) -> NoReturn:
    """Skip (or, under ``CI=true``, fail) for want of a browser-test prerequisite."""
    reason = f"browser tests: {reason}"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true: {reason}", pytrace=False)
    pytest.skip(reason)


# --- axe-core -------------------------------------------------------------------------------


def _install_axe() -> Path:
    """``npm ci`` into node/ unless node_modules already matches the lockfile; axe.min.js."""
    digest = hashlib.sha256(LOCKFILE.read_bytes()).hexdigest()
    if AXE_JS.is_file() and STAMP.is_file() and STAMP.read_text().strip() == digest:
        return AXE_JS
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        unavailable("`node` and `npm` not found on PATH, needed to install the pinned axe-core "
                    "(Debian: apt-get install nodejs npm)")
    try:
        done = subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                              cwd=NODE_DIR, capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as exc:
        unavailable(f"npm ci of axe-core failed: {exc}")
    if done.returncode != 0 or not AXE_JS.is_file():
        unavailable(f"npm ci of axe-core failed (exit {done.returncode}): "
                    f"{done.stderr.strip()[-2000:]}")
    STAMP.write_text(digest + "\n")
    return AXE_JS


# --- the server -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Server:
    """The running application: its base URL (no trailing slash) and the demo logins by role."""

    url: str
    logins: dict[str, tuple[str, str]]
    log: Path


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/login/", timeout=2) as r:
            return bool(r.status == 200)
    except (OSError, urllib.error.URLError):
        return False


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop the server started here (gunicorn's master: TERM stops its workers too)."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@pytest.fixture(scope="package")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """``hdil2 serve --demo`` on a fresh database and a free loopback port, until the package
    ends; its output is kept in ``serve.log`` beside the database.

    While writing tests, ``HDIL2_BROWSER_SERVER=http://127.0.0.1:PORT`` with
    ``HDIL2_BROWSER_LOGINS=<its demo-logins.json>`` uses a demo server already running instead
    (the flows then meet what earlier runs recorded)."""
    running = os.environ.get("HDIL2_BROWSER_SERVER")
    if running:
        known = json.loads(Path(os.environ["HDIL2_BROWSER_LOGINS"]).read_text())
        yield Server(running.rstrip("/"), {r: (f"demo-{r.replace('_', '-')}",
                                               known[f"demo-{r.replace('_', '-')}"])
                                           for r in ROLES}, Path(os.devnull))
        return
    folder = tmp_path_factory.mktemp("browser-server")
    db, log = folder / "demo.sqlite3", folder / "serve.log"
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items()
           if k not in ("HDIL2_DATABASE_URL", "HDIL2_REGISTRY", "DJANGO_SETTINGS_MODULE")}
    cmd = [sys.executable, "-m", "hdil2", "serve", "--demo", "--db", str(db),
           "--host", "127.0.0.1", "--port", str(port), "--workers", "2"]
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env,
                                start_new_session=True)
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while not _answers(url):
            if proc.poll() is not None:
                pytest.fail(f"`hdil2 serve --demo` exited ({proc.returncode}):\n"
                            f"{log.read_text(errors='replace')[-4000:]}", pytrace=False)
            if time.monotonic() > deadline:
                pytest.fail(f"`hdil2 serve --demo` did not answer within "
                            f"{SERVER_START_TIMEOUT} s:\n{log.read_text(errors='replace')[-4000:]}",
                            pytrace=False)
            time.sleep(0.5)
        logins = {}
        for line in log.read_text(errors="replace").splitlines():
            if m := LOGIN_LINE.match(line):
                logins[m[1]] = (m[2], m[3])
        assert set(logins) == set(ROLES), f"demo logins not printed:\n{log.read_text()[:4000]}"
        yield Server(url, logins, log)
    finally:
        _stop(proc)


# --- the browser ----------------------------------------------------------------------------


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    """Debian's chromium under Playwright, headless, for the package (closed at its end, so the
    Playwright event loop never outlives it and the Django tests after it run as usual)."""
    if not CHROMIUM.is_file():
        unavailable(f"{CHROMIUM} not found (Debian: apt-get install chromium; .ci/run does it)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the Python package playwright is not installed (the dev extra has it)")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


class Axe:
    """axe-core on a DOM snapshot, in a context of its own that bypasses the CSP (only it)."""

    def __init__(self, browser: Any, server: Server, script: Path) -> None:
        self.context = browser.new_context(bypass_csp=True, base_url=server.url)
        self.page = self.context.new_page()
        self.page.set_default_timeout(ACTION_TIMEOUT_MS)
        self.server = server
        self.script = script

    def violations(self, html: str) -> list[dict[str, Any]]:
        """The serious and critical violations axe finds in the document ``html``."""
        page = self.page
        # a page of the application's origin, so the snapshot's /static/ stylesheets resolve
        if not page.url.startswith(self.server.url):
            page.goto("/login/")
        page.set_content(re.sub(r"<script\b[^>]*>.*?</script>", "", html, flags=re.S | re.I))
        page.add_script_tag(path=str(self.script))
        result = page.evaluate(
            "async () => { const r = await axe.run(document, {resultTypes: ['violations']});"
            " return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
            " helpUrl: v.helpUrl, nodes: v.nodes.map(n => ({target: n.target,"
            " html: n.html.slice(0, 300), summary: n.failureSummary}))})); }")
        return [v for v in result if v["impact"] in ("serious", "critical")]

    def close(self) -> None:
        self.context.close()


@pytest.fixture(scope="package")
def axe(browser: Any, server: Server) -> Iterator[Axe]:
    checker = Axe(browser, server, _install_axe())
    yield checker
    checker.close()


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "step"


@dataclass
class Tab:
    """One user's browser tab (a context that enforces the application's CSP)."""

    page: Any
    context: Any
    server: Server
    axe: Axe
    folder: Path
    role: str | None
    console: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    server_errors: list[str] = field(default_factory=list)
    steps: int = 0
    #: False: steps skip axe (a test that only walks pages another test checks already)
    run_axe: bool = True

    def goto(self, path: str, step: str | None = None, *, status: int = 200) -> Any:
        """Open ``path``, expect ``status``, and check the page as a step."""
        response = self.page.goto(path)
        assert response is not None, path
        assert response.status == status, (
            f"GET {path} as {self.role}: {response.status}, expected {status}\n"
            f"{self.page.content()[:3000]}")
        self.step(step or f"open {path}")
        return response

    def guide_shot(self, name: str, focus: Any = None) -> Path | None:
        """Save the viewport as ``<name>.png`` in ``$HDIL2_DOCS_SCREENSHOTS`` (a user guide's
        screenshot), scrolled so that the locator ``focus`` (if any) is in view; nothing
        without the variable.  The viewport is 1280x800 CSS pixels, the image one PNG pixel a
        CSS pixel."""
        assert GUIDE_NAME.match(name), f"guide screenshot name {name!r}: lower-case-with-dashes"
        folder = os.environ.get(DOCS_SCREENSHOTS_ENV, "").strip()
        if not folder:
            return None
        out = Path(folder)
        out.mkdir(parents=True, exist_ok=True)
        self.page.set_viewport_size(GUIDE_VIEWPORT)
        self.page.wait_for_load_state("load")
        if focus is not None:
            focus.first.evaluate("e => e.scrollIntoView({block: 'start'})")
        else:
            self.page.evaluate("window.scrollTo(0, 0)")
        path = out / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=False, scale="css", caret="initial",
                             animations="disabled")
        return path

    def step(self, name: str, *, accessible: bool = True) -> None:
        """Screenshot the page; fail on any 5xx answer, CSP report or script error so far; run
        axe on the page as it is now."""
        self.page.wait_for_load_state("load")
        started = time.monotonic()
        self.steps += 1
        shot = self.folder / f"{self.steps:02d}-{_slug(name)}.png"
        # caret="initial": Playwright's default (hide the caret) leaves an empty style attribute
        # on every input, which htmx's settle step then copies -- a CSP report of the test's
        # own making
        self.page.screenshot(path=str(shot), full_page=True, caret="initial")
        assert not self.server_errors, f"{name}: the server failed:\n" + "\n".join(
            self.server_errors)
        csp = sorted({m for m in self.console if "content security policy" in m.lower()})
        assert not csp, f"{name} ({self.page.url}): the page broke the CSP:\n" + "\n".join(csp)
        assert not self.errors, f"{name} ({self.page.url}): script errors:\n" + "\n".join(
            self.errors)
        if accessible and self.run_axe:
            bad = self.axe.violations(self.page.content())
            assert not bad, (f"{name} ({self.page.url}): axe-core found serious/critical "
                             f"violations:\n{json.dumps(bad, indent=1)[:6000]}")
        if os.environ.get("HDIL2_BROWSER_TIMES"):
            print(f"step {name}: {time.monotonic() - started:.2f} s", file=sys.stderr)


#: logs every CSP violation the page's own scripts meet with what was refused and where (the
#: browser's own console message does not say which element or file)
REPORT_CSP = """document.addEventListener("securitypolicyviolation", (e) => console.error(
  "Content Security Policy violation: " + e.violatedDirective + " refused " +
  (e.blockedURI || "") + " " + JSON.stringify(e.sample || "") + " at " + (e.sourceFile || "") +
  ":" + e.lineNumber + ":" + e.columnNumber + " on " +
  ((e.target && e.target.outerHTML) || "").slice(0, 160)));"""


class Tabs:
    """``tabs("nurse")``: a fresh browser context logged in as the demo user of that role
    (``None``: anonymous); screenshots go to ``artifacts/<test>/``."""

    def __init__(self, browser: Any, server: Server, axe: Axe, test: str) -> None:
        self.browser, self.server, self.axe = browser, server, axe
        self.folder = ARTIFACTS / _slug(test)
        if self.folder.exists():
            shutil.rmtree(self.folder)
        self.folder.mkdir(parents=True)
        self.opened: list[Tab] = []

    def __call__(self, role: str | None, *, login: bool = True) -> Tab:
        context = self.browser.new_context(base_url=self.server.url, viewport=GUIDE_VIEWPORT)
        context.add_init_script(REPORT_CSP)
        page = context.new_page()
        page.set_default_timeout(ACTION_TIMEOUT_MS)
        tab = Tab(page, context, self.server, self.axe, self.folder, role)
        page.on("console", lambda m: tab.console.append(f"[{m.type}] {m.text}"))
        page.on("pageerror", lambda e: tab.errors.append(str(e)))
        page.on("response", lambda r: tab.server_errors.append(
            f"{r.status} {r.request.method} {r.url}") if r.status >= 500 else None)
        self.opened.append(tab)
        if role is not None and login:
            log_in(tab, role)
        return tab

    def close(self) -> None:
        """Keep each tab's last screen (where a failing test stopped), then close them."""
        for i, tab in enumerate(self.opened):
            try:
                tab.page.screenshot(path=str(self.folder / f"99-end-{i}-{tab.role}.png"),
                                    full_page=True, caret="initial")
            finally:
                tab.context.close()


def log_in(tab: Tab, role: str) -> None:
    """Log in through the login page as the demo user of ``role``; lands on the ward board."""
    username, password = tab.server.logins[role]
    page = tab.page
    page.goto("/login/")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state("load")
    assert "/login/" not in page.url, f"login as {role} failed:\n{page.content()[:2000]}"
    tab.step(f"logged in as {role}")


@pytest.fixture
def tabs(browser: Any, server: Server, axe: Axe,
         request: pytest.FixtureRequest) -> Iterator[Tabs]:
    opener = Tabs(browser, server, axe, request.node.name)
    yield opener
    opener.close()
