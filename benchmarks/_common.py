"""Measuring helpers shared by the benchmark scripts (not a test suite)."""

from __future__ import annotations

import resource
import statistics
import subprocess
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import messenger_content as mc

ROOT = Path(__file__).resolve().parent.parent
CLI = ROOT / ".venv" / "bin" / "messenger-content"


def best_of_interleaved(
    functions: dict[str, Callable[[], object]], *, seconds: float = 3.0, rounds: int = 10
) -> dict[str, float]:
    """Best time of one call of each function, in seconds.

    The functions are called in turn, round after round (at least *rounds*, for
    at least *seconds*), so a busy machine slows them all alike.
    """
    best = dict.fromkeys(functions, float("inf"))
    deadline = time.perf_counter() + seconds
    done = 0
    while done < rounds or time.perf_counter() < deadline:
        for name, function in functions.items():
            start = time.perf_counter()
            function()
            best[name] = min(best[name], time.perf_counter() - start)
        done += 1
    return best


def wall(command: Sequence[str], *, cwd: Path, runs: int) -> float:
    """Median wall time of *command* over *runs* runs, after one warm-up run."""
    subprocess.run(command, cwd=cwd, check=True, capture_output=True)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, cwd=cwd, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def examples() -> list[tuple[str, Path, mc.Article]]:
    """Every bundled example: (name, JSON file, article)."""
    return [
        (path.parent.name, path, mc.load(path))
        for path in sorted(ROOT.glob("examples/*/article.json"))
    ]


def wall_and_cpu(
    commands: Sequence[Sequence[str]], *, cwd: Path, runs: int
) -> list[tuple[float, float]]:
    """Median wall and CPU seconds of each command, run in turns after one warm-up run each."""
    for command in commands:
        subprocess.run(command, cwd=cwd, check=True, capture_output=True)
    walls: list[list[float]] = [[] for _ in commands]
    cpus: list[list[float]] = [[] for _ in commands]
    for _ in range(runs):
        for command, spent, cpu in zip(commands, walls, cpus, strict=True):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run(command, cwd=cwd, check=True, capture_output=True)
            spent.append(time.perf_counter() - start)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return [
        (statistics.median(spent), statistics.median(cpu))
        for spent, cpu in zip(walls, cpus, strict=True)
    ]
