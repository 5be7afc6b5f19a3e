"""Render the built site's home page and one rules-reference page to PNG with headless Chromium.

    python3 tasks.py docs --png        # builds site/ strictly, then runs this

The site is served from ``site/`` on a loopback port for the time of the shots, and Debian's
``/usr/bin/chromium`` (never a downloaded browser) renders each page at 1280x900 CSS pixels; the
PNGs land beside this script and the docs' README shows them.
"""

from __future__ import annotations

import functools
import http.server
import sys
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
CHROMIUM = "/usr/bin/chromium"
# (PNG name, page of the site) - the home page and the hold rules of the rules reference
SHOTS = (("home.png", ""), ("rules-holds.png", "rules/holds/"))


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def main(site: Path) -> int:
    if not (site / "index.html").is_file():
        print(f"error: site: {site} has no index.html; build it first (python3 tasks.py docs)",
              file=sys.stderr)
        return 2
    if not Path(CHROMIUM).exists():
        print(f"error: chromium: {CHROMIUM} is missing (apt-get install chromium)",
              file=sys.stderr)
        return 2
    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            for name, path in SHOTS:
                page.goto(base + path, wait_until="networkidle")
                page.screenshot(path=str(HERE / name), full_page=False, scale="css")
                print(f"wrote {HERE.relative_to(HERE.parents[2]) / name}", flush=True)
            browser.close()
    finally:
        server.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parents[2] / "site"))
