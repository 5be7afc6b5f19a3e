#!/usr/bin/env python3
"""Regenerate every generated test fixture (``python3 tasks.py fixtures`` runs this file).

    python3 tests/make_fixtures.py                 # regenerate; rewrite the files that changed
    python3 tests/make_fixtures.py --check         # regenerate and compare; write nothing
    python3 tests/make_fixtures.py --python-only   # leave out the R generators

Each generated fixture has its generator committed beside it; :data:`GENERATORS` lists them
with the files each reads and writes.  A generator runs in a scratch copy of its inputs, and a
file is rewritten only when the generator succeeded and made different bytes, so a failing
generator never leaves a half-written fixture.  The R generators (reference values from R's
survival, stats and rpact) run only when ``Rscript`` and the R packages they load are
installed; otherwise they are skipped with a message.  R is never needed to run the tests.

Needs only the Python standard library (and R for the R generators); ``tests/README.md``
describes the fixtures.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


class GeneratorError(RuntimeError):
    """A generator exited with an error (its message ends with the generator's stderr)."""


@dataclass(frozen=True)
class Generator:
    """One generator: a command run in ``workdir`` that makes ``stdout`` and ``writes``.

    Paths are relative to ``workdir`` (itself relative to the repository root); ``"python"``
    as the program means the Python running this script.
    """

    name: str
    workdir: str
    command: tuple[str, ...]
    inputs: tuple[str, ...]  # files the command reads (the generator itself first)
    stdout: str | None = None  # the file that receives the command's standard output
    writes: tuple[str, ...] = ()  # files the command writes itself
    r_packages: tuple[str, ...] = ()  # R packages an R generator loads

    @property
    def needs_r(self) -> bool:
        return self.command[0] == "Rscript"

    def _rel(self, paths: Sequence[str]) -> list[str]:
        return [f"{self.workdir}/{p}" for p in paths]

    def input_paths(self) -> list[str]:
        """The files read, relative to the repository root."""
        return self._rel(self.inputs)

    def output_paths(self) -> list[str]:
        """The files made, relative to the repository root (standard output first)."""
        return self._rel(([self.stdout] if self.stdout else []) + list(self.writes))

    def run(self, root: Path, scratch: Path) -> dict[str, bytes]:
        """Run in a copy of the inputs under ``scratch``; the made files by path from the root.

        Raises :class:`GeneratorError` when the command fails or does not make every output.
        """
        work = scratch / self.workdir
        for rel in (*self.inputs, *([self.stdout] if self.stdout else []), *self.writes):
            (work / rel).parent.mkdir(parents=True, exist_ok=True)
        for rel in self.inputs:
            shutil.copyfile(root / self.workdir / rel, work / rel)
        program = sys.executable if self.command[0] == "python" else self.command[0]
        try:
            done = subprocess.run([program, *self.command[1:]], cwd=work, capture_output=True,
                                  timeout=600, check=False)
        except OSError as e:
            raise GeneratorError(f"{self.name}: cannot run {self.command[0]}: {e}") from None
        if done.returncode != 0:
            raise GeneratorError(f"{self.name}: {' '.join(self.command)} exited with status "
                                 f"{done.returncode}: "
                                 f"{done.stderr.decode(errors='replace').strip()}")
        made: dict[str, bytes] = {}
        if self.stdout:
            made[f"{self.workdir}/{self.stdout}"] = done.stdout
        for rel in self.writes:
            if not (work / rel).is_file():
                raise GeneratorError(f"{self.name}: did not write {rel}")
            made[f"{self.workdir}/{rel}"] = (work / rel).read_bytes()
        return made


GENERATORS: tuple[Generator, ...] = (
    Generator(
        "lee2000 cohort", "tests/clinical/response/data",
        ("python", "make_lee2000_cohort.py"), ("make_lee2000_cohort.py",),
        writes=("lee2000_cohort.csv",),
    ),
    Generator(
        "R survival", "tests/stats",
        ("Rscript", "results/survival_r.R"), ("results/survival_r.R",),
        stdout="results/survival_r.py",
        writes=("data/aml.csv", "data/lung.csv", "data/veteran.csv"),
        r_packages=("survival",),
    ),
    Generator(
        "R proportions", "tests/stats",
        ("Rscript", "results/proportions_r.R"), ("results/proportions_r.R",),
        stdout="results/proportions_r.py",
    ),
    Generator(
        "R rpact", "tests/stats",
        ("Rscript", "results/design_rpact.R"), ("results/design_rpact.R",),
        stdout="results/design_rpact.py",
        r_packages=("rpact",),
    ),
)


def r_missing(gen: Generator) -> str | None:
    """Why an R generator cannot run here (no ``Rscript``, a package missing), or ``None``."""
    rscript = shutil.which("Rscript")
    if rscript is None:
        return "Rscript not found (install R to regenerate the R reference values)"
    for package in gen.r_packages:
        done = subprocess.run(
            [rscript, "-e", f'quit(status = !requireNamespace("{package}", quietly = TRUE))'],
            capture_output=True, timeout=120, check=False)
        if done.returncode != 0:
            return f"the R package {package} is not installed"
    return None


def r_versions(packages: Sequence[str] = ()) -> list[str]:
    """The R version string and ``"package x.y.z"`` as the R generators write them."""
    code = ('cat(R.version.string, "\\n", sep = ""); for (p in commandArgs(TRUE)) '
            'cat(p, " ", as.character(packageVersion(p)), "\\n", sep = "")')
    done = subprocess.run(["Rscript", "-e", code, *packages], capture_output=True, text=True,
                          timeout=120, check=True)
    return done.stdout.splitlines()


def regenerate(root: Path, generators: Sequence[Generator] = GENERATORS,
               check: bool = False) -> int:
    """Regenerate ``generators`` under ``root``; with ``check``, only compare.

    Prints one line per generator (unchanged, rewritten, differs, skipped or failed) and
    returns the exit status: 1 if a generator failed or, with ``check``, a file differs.
    """
    status = 0
    for gen in generators:
        if gen.needs_r:
            why = r_missing(gen)
            if why:
                print(f"{gen.name}: skipped: {why}")
                continue
        with tempfile.TemporaryDirectory(prefix="hdil2-fixtures-") as scratch:
            try:
                made = gen.run(root, Path(scratch))
            except (GeneratorError, subprocess.TimeoutExpired) as e:
                print(f"{gen.name}: failed: {e}")
                status = 1
                continue
        changed = [rel for rel, data in made.items()
                   if not (root / rel).is_file() or (root / rel).read_bytes() != data]
        if not changed:
            print(f"{gen.name}: unchanged ({', '.join(made)})")
        elif check:
            print(f"{gen.name}: differs: {', '.join(changed)}")
            status = 1
        else:
            for rel in changed:
                (root / rel).write_bytes(made[rel])
            print(f"{gen.name}: rewritten: {', '.join(changed)}")
    return status


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="compare with the committed files, write nothing")
    parser.add_argument("--python-only", action="store_true",
                        help="leave out the generators that need R")
    args = parser.parse_args(argv)
    chosen = [g for g in GENERATORS if not (args.python_only and g.needs_r)]
    return regenerate(ROOT, chosen, check=args.check)


if __name__ == "__main__":
    raise SystemExit(main())
