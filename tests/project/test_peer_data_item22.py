"""Issue item 22: peer data stays beside the project and is read through one fixture."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

from peer_data import ROOT, peer_path


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_item22_no_peer_file_is_copied_into_the_project() -> None:
    peer = peer_path()
    peer_digests = {_digest(p): p.relative_to(peer) for p in peer.rglob("*") if p.is_file()}
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.split()
    copies = [f"{name} = {peer_digests[d]}" for name in tracked
              if (ROOT / name).is_file() and (d := _digest(ROOT / name)) in peer_digests]
    assert copies == []


def _run_peer_test(env_extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "CI"} | env_extra
    code = ("import sys; sys.path.insert(0, 'tests'); import pytest; "
            "sys.exit(pytest.main(['-q', '-rs', '-p', 'no:cacheprovider', "
            "'tests/clinical/response/test_peer_pharmaversesdtm.py']))")
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_item22_absent_peer_data_skips_with_a_reason() -> None:
    run = _run_peer_test({"HDIL2_PEER_DATA": str(ROOT / "no-such-folder")})
    assert run.returncode in (0, 5), run.stdout + run.stderr  # 5: nothing left to run
    assert "SKIPPED" in run.stdout
    assert "peer data pharmaversesdtm not found" in run.stdout


def test_item22_absent_peer_data_fails_under_ci() -> None:
    run = _run_peer_test({"HDIL2_PEER_DATA": str(ROOT / "no-such-folder"), "CI": "true"})
    assert run.returncode != 0
    assert "CI=true: peer data pharmaversesdtm not found" in run.stdout

