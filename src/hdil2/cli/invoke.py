"""Run ``hdil2`` commands in-process and capture what they print (tests, notebooks, the demo).

``invoke(["dose", "--regimen", "hd-il2-600k", "--weight", "70 kg", "--json"])`` returns the exit
status, stdout and stderr exactly as the command line would produce them.
"""

from __future__ import annotations

import io
import sys
from contextlib import redirect_stderr, redirect_stdout


def invoke(args: list[str], stdin: str = "") -> tuple[int, str, str]:
    """Run the CLI with ``args`` (and ``stdin`` as standard input); return (status, out, err)."""
    from hdil2.cli.app import main

    out, err = io.StringIO(), io.StringIO()
    old = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        with redirect_stdout(out), redirect_stderr(err):
            code = main(args)
    finally:
        sys.stdin = old
    return code, out.getvalue(), err.getvalue()
