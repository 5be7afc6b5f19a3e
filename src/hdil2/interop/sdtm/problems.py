"""What an SDTM import refuses: :class:`Problem` (file, row, column, reason, value) and
:class:`ImportRefused`, which carries every problem found (at most :data:`MAX_PROBLEMS`).

``row`` is the 1-based data row of the file (the header is not counted); 0 names the file or its
header itself. An import with any problem writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hdil2.core.errors import InputError, InputErrors

#: problems collected before the import stops looking
MAX_PROBLEMS = 100


@dataclass(frozen=True, slots=True)
class Problem:
    """One reason a file is refused (or, in a note, a row that is not kept)."""

    file: str
    row: int
    column: str
    reason: str
    value: Any = None

    @property
    def where(self) -> str:
        """``ex.csv[1].EXTRT``: the file, the data row and the column."""
        return f"{self.file}[{self.row}].{self.column}" if self.column else (
            f"{self.file}[{self.row}]")

    def error(self) -> InputError:
        """The problem as an :class:`InputError` naming file, row and column."""
        return InputError(self.where, self.reason, self.value)


class ImportRefused(InputErrors):
    """SDTM files refused: every :class:`Problem` found (at most :data:`MAX_PROBLEMS`)."""

    def __init__(self, problems: list[Problem]) -> None:
        if not problems:
            raise ValueError("ImportRefused needs at least one problem")
        self.problems = list(problems)
        super().__init__([p.error() for p in self.problems])


class Collector:
    """Collects problems; :meth:`add` stops the import once :data:`MAX_PROBLEMS` are found."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, file: str, row: int, column: str, reason: str, value: Any = None) -> None:
        self.problems.append(Problem(file, row, column, reason, value))
        if len(self.problems) >= MAX_PROBLEMS:
            raise ImportRefused(self.problems)

    def raise_any(self) -> None:
        if self.problems:
            raise ImportRefused(self.problems)
