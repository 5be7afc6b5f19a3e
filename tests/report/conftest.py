"""Image comparison for the report's figures: one rendered PNG per figure against a stored
baseline (``tests/report/baseline/NAME.png``), at a tolerance (matplotlib's
``compare_images``, root-mean-square difference of the pixel values, 0-255), so a broken plot
fails while anti-aliasing noise does not.

Regenerate the baselines after an intended change of a figure with
``HDIL2_UPDATE_BASELINES=1 .venv/bin/python -m pytest tests/report`` and look at every changed
image before committing it.  A missing baseline fails (under ``CI=true`` too): it is never
written silently.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

BASELINE = Path(__file__).parent / "baseline"
#: RMS tolerance: a few antialiased edges differ between FreeType builds; a missing curve, a
#: moved axis or a changed colour is far above it
TOLERANCE = 6.0


def compare_figure(fig: Any, name: str, tmp_path: Path, tol: float = TOLERANCE) -> None:
    """Render ``fig`` to PNG and compare it with the baseline ``name``.png."""
    from matplotlib.testing.compare import compare_images

    from hdil2.report import style

    actual = tmp_path / f"{name}.png"
    actual.write_bytes(style.png(fig))
    expected = BASELINE / f"{name}.png"
    if os.environ.get("HDIL2_UPDATE_BASELINES") == "1":
        BASELINE.mkdir(exist_ok=True)
        expected.write_bytes(actual.read_bytes())
        return
    if not expected.exists():
        pytest.fail(f"no baseline image {expected.name}: render it with "
                    "HDIL2_UPDATE_BASELINES=1 and review it")
    diff = compare_images(str(expected), str(actual), tol=tol, in_decorator=True)
    if diff is not None:
        pytest.fail(f"{name}: the rendered figure differs from its baseline (RMS "
                    f"{diff['rms']:.2f} > {tol}); actual {actual}, diff {diff.get('diff')}")


@pytest.fixture
def image_matches(tmp_path: Path) -> Any:
    """``image_matches(fig, name)``: compare a figure with its stored baseline."""
    def check(fig: Any, name: str, tol: float = TOLERANCE) -> None:
        compare_figure(fig, name, tmp_path, tol)
    return check
