"""One look for every figure, and deterministic SVG and PNG output.

* Colours: the Okabe-Ito palette (Okabe and Ito 2008, "Color Universal Design"), told apart by
  readers with any of the common colour-vision deficiencies; groups take them in
  :data:`GROUP_COLOURS` order, responses the fixed colours of :data:`RESPONSE_COLOURS` (and a
  line style or marker as well wherever colour alone would carry meaning).
* Figures are :class:`matplotlib.figure.Figure` objects drawn on the Agg canvas, never through
  ``pyplot``: no global state, no display needed, safe in a web server's threads.
* Output is deterministic: fixed fonts (matplotlib's bundled DejaVu Sans), sizes and
  ``svg.hashsalt``; no creation date in SVG or PNG metadata - the same data gives the same bytes.

Every figure function of :mod:`hdil2.report.figures` builds its figure inside :func:`rc` and
returns it; :func:`svg` and :func:`png` render it.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from typing import Any

OKABE_ITO = {
    "black": "#000000", "orange": "#E69F00", "sky_blue": "#56B4E9",
    "bluish_green": "#009E73", "yellow": "#F0E442", "blue": "#0072B2",
    "vermillion": "#D55E00", "reddish_purple": "#CC79A7", "grey": "#999999",
}
#: colours of successive groups (curves, arms, diseases)
GROUP_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000",
                 "#999999")
#: colour of each response category (the same in every figure)
RESPONSE_COLOURS = {
    "CR": "#0072B2",  # blue
    "PR": "#56B4E9",  # sky blue
    "MR": "#009E73",  # bluish green
    "SD": "#E69F00",  # orange
    "NR": "#999999",  # grey
    "PD": "#D55E00",  # vermillion
    "NE": "#CC79A7",  # reddish purple
    None: "#BBBBBB",
}
#: the order responses are listed in legends
RESPONSE_ORDER = ("CR", "PR", "MR", "SD", "NR", "PD", "NE")
#: line styles paired with GROUP_COLOURS, so curves differ in more than colour
GROUP_LINESTYLES = ("-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1, 1, 1)), "-", "--")

RC: dict[str, Any] = {
    "font.family": "DejaVu Sans",
    "font.size": 9.0,
    "axes.titlesize": 10.0,
    "axes.labelsize": 9.0,
    "xtick.labelsize": 8.0,
    "ytick.labelsize": 8.0,
    "legend.fontsize": 8.0,
    "legend.frameon": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.linewidth": 0.8,
    "lines.linewidth": 1.5,
    "figure.dpi": 100.0,
    "savefig.dpi": 100.0,
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
    "svg.fonttype": "path",  # glyphs as paths: the SVG renders the same without the font
    "svg.hashsalt": "hdil2",
    "path.simplify": False,  # every step of a curve is drawn
    "text.hinting": "default",
    "text.antialiased": True,
    "axes.unicode_minus": True,
}


@contextlib.contextmanager
def rc() -> Iterator[None]:
    """matplotlib's settings for hdil2's figures, for the ``with`` block only."""
    import matplotlib

    with matplotlib.rc_context(RC):  # type: ignore[arg-type]
        yield


def figure(width: float = 7.0, height: float = 4.5) -> Any:
    """A new figure (inches) on the Agg canvas, outside pyplot; call inside :func:`rc`."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def freeze(fig: Any) -> Any:
    """Lay the figure out once and keep that layout: constrained layout is iterative and
    starts from the last positions, so a figure rendered twice would otherwise differ by a
    fraction of a point the second time.  Returns the figure."""
    if fig.get_layout_engine() is not None:
        with rc():
            fig.draw_without_rendering()
        fig.set_layout_engine("none")
    return fig


def svg(fig: Any, salt: str = "") -> str:
    """The figure as SVG text without the XML prologue (ready to inline in HTML), the same
    bytes for the same figure.  ``salt`` makes the SVG's internal ids (clip paths) distinct
    from another figure's in the same HTML page."""
    import matplotlib

    buf = io.BytesIO()
    freeze(fig)
    with rc(), matplotlib.rc_context({"svg.hashsalt": f"hdil2{salt}"}):
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": "hdil2"})
    text = buf.getvalue().decode("utf-8")
    start = text.find("<svg")
    return text[start:]


def png(fig: Any, dpi: float = 100.0) -> bytes:
    """The figure as PNG bytes (no creation time in the metadata)."""
    buf = io.BytesIO()
    freeze(fig)
    with rc():
        fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": "hdil2"})
    return buf.getvalue()


def save(fig: Any, path: Any, dpi: float = 100.0) -> None:
    """Write the figure to ``path``: SVG, PNG or PDF by the file's suffix."""
    from pathlib import Path

    from hdil2.core.errors import InputError

    p = Path(path)
    suffix = p.suffix.lower()
    if suffix == ".svg":
        p.write_text(svg(fig), encoding="utf-8")
    elif suffix == ".png":
        p.write_bytes(png(fig, dpi))
    elif suffix == ".pdf":
        freeze(fig)
        with rc():
            fig.savefig(p, format="pdf", metadata={"CreationDate": None, "Creator": "hdil2"})
    else:
        raise InputError("out", "a figure is written as .svg, .png or .pdf", str(path))


def response_colour(response: str | None) -> str:
    """The colour of a response category (grey-white for none)."""
    return RESPONSE_COLOURS.get(response, RESPONSE_COLOURS[None])
