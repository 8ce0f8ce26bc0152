"""What every measurement shares: options, timing statistics, peak memory, and the report (markdown and JSON).

A measurement produces a `Measurement`: rows of figures, each beside a baseline taken in the same run, plus one line
saying how it was measured. Figures that could not be taken (a missing tool, a piece of xero-mcp not built yet) are
reported as skipped with the reason, never left out silently.
"""

from __future__ import annotations

import json
import math
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Generator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

REPO_ROOT = Path(__file__).resolve().parent.parent
CACHE_DIR = REPO_ROOT / ".benchmarks-cache"


@dataclass(frozen=True)
class Options:
    """How hard to measure: `quick` trades repetitions for time (figures get noisier, never different in kind)."""

    quick: bool = False

    def repeat(self, full: int, quick: int) -> int:
        """The number of repetitions for this run."""
        return quick if self.quick else full


@dataclass
class Row:
    """One figure beside its baseline from the same run.

    `value` and `baseline` are plain numbers in `unit` (None when not measured); `ratio` is value / baseline.
    `target` says what the issue asks for, `met` whether this run meets it (None when there is no target).
    """

    figure: str
    value: float | None
    unit: str
    baseline: float | None = None
    baseline_label: str = ""
    target: str = ""
    met: bool | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        """value / baseline, or None when either is missing or the baseline is zero."""
        if self.value is None or self.baseline is None or self.baseline == 0:
            return None
        return self.value / self.baseline


@dataclass
class Measurement:
    """The outcome of one measurement: its rows, one line of method, and what was skipped and why.

    `number` is the measurement's place in the issue's list (kept when only a subset runs).
    """

    name: str
    title: str
    method: str
    number: int = 0
    rows: list[Row] = field(default_factory=list[Row])
    skipped: list[str] = field(default_factory=list[str])
    seconds: float = 0.0

    def add(self, row: Row) -> Row:
        """Append a row and return it."""
        self.rows.append(row)
        return row

    def skip(self, reason: str) -> None:
        """Record a figure that could not be measured in this run, and why."""
        self.skipped.append(reason)


# --- statistics ----------------------------------------------------------------------------------------------------


def median(values: Sequence[float]) -> float:
    """The median of a non-empty sample."""
    if not values:
        raise ValueError("median of an empty sample")
    return float(statistics.median(values))


def percentile(values: Sequence[float], pct: float) -> float:
    """The `pct` percentile by the nearest-rank method (p95 of 200 samples is the 190th smallest)."""
    if not values:
        raise ValueError("percentile of an empty sample")
    if not 0 < pct <= 100:
        raise ValueError("pct must be in (0, 100]")
    ordered = sorted(values)
    rank = math.ceil(pct / 100 * len(ordered))
    return float(ordered[rank - 1])


def p95(values: Sequence[float]) -> float:
    """The 95th percentile (nearest rank)."""
    return percentile(values, 95)


class Stopwatch:
    """Elapsed wall time in seconds from a monotonic, high-resolution clock."""

    def __init__(self, clock: Callable[[], float] = time.perf_counter) -> None:
        self._clock = clock
        self._start = clock()

    def elapsed(self) -> float:
        """Seconds since the stopwatch was made."""
        return self._clock() - self._start


@contextmanager
def timed(samples: list[float], clock: Callable[[], float] = time.perf_counter) -> Generator[None]:
    """Append the block's wall time in seconds to `samples`."""
    start = clock()
    yield
    samples.append(clock() - start)


def describe_error(error: BaseException) -> str:
    """A one-line account of an error, looking inside exception groups for the errors that caused them."""
    if isinstance(error, BaseExceptionGroup):
        inner = cast("tuple[BaseException, ...]", error.exceptions)
        return "; ".join(describe_error(item) for item in inner)
    text = str(error).strip()
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


# --- processes -----------------------------------------------------------------------------------------------------


def peak_rss_kib(pid: int, proc: Path = Path("/proc")) -> int | None:
    """A process's resident-set high-water mark (VmHWM) in KiB, or None where /proc does not tell."""
    try:
        text = (proc / str(pid) / "status").read_text()
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return None


def children_of(pid: int, proc: Path = Path("/proc")) -> list[int]:
    """The live processes whose parent is `pid` (from /proc/<pid>/stat), oldest first."""
    found: list[tuple[float, int]] = []
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name sits in parentheses and may itself contain spaces or parentheses.
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[1]) == pid:
            found.append((float(fields[19]), int(entry.name)))
    return [child for _, child in sorted(found)]


# --- the report ----------------------------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    return {
        "cpu_count": os.cpu_count(),
        "platform": f"{platform.system()} {platform.machine()}",
        "python": platform.python_version(),
        "load_average_1min": load,
    }


_SINGULAR = {"calls": "call", "responses": "response"}


def format_number(value: float | None, unit: str = "") -> str:
    """A figure for the table: thousands separators, precision that suits its size, then the unit."""
    if value is None:
        return "-"
    if value == 1:
        unit = _SINGULAR.get(unit, unit)
    magnitude = abs(value)
    if value == int(value) and (magnitude >= 1 or value == 0):
        text = f"{int(value):,}"
    elif magnitude >= 100:
        text = f"{value:,.0f}"
    elif magnitude >= 10:
        text = f"{value:,.1f}"
    elif magnitude >= 1:
        text = f"{value:,.2f}"
    else:
        text = f"{value:.3f}"
    return f"{text} {unit}".rstrip() if unit else text


def format_ratio(ratio: float | None) -> str:
    """A ratio for the table, like ``1.07x``."""
    if ratio is None:
        return "-"
    return f"{ratio:.3f}x" if ratio < 0.1 else f"{ratio:.2f}x"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _verdict(met: bool | None) -> str:
    return {True: "yes", False: "no", None: ""}[met]


def render_markdown(measurements: Sequence[Measurement], *, when: datetime, command: str) -> str:
    """The report as markdown: one table of every figure, then each measurement's method and skips."""
    info = machine()
    lines = [
        f"Measured {when.strftime('%Y-%m-%d')} with `{command}` on {info['cpu_count']} cores (os.cpu_count()), "
        f"{info['platform']}, Python {info['python']}"
        + (
            f", 1-minute load average {info['load_average_1min']:.2f} at the end." if info["load_average_1min"] else "."
        ),
        "",
        "| # | Figure | Value | Baseline (same run) | Ratio | Target | Met |",
        "|---|---|---:|---|---:|---|---|",
    ]
    for position, measurement in enumerate(measurements, start=1):
        number = measurement.number or position
        for row in measurement.rows:
            baseline = format_number(row.baseline, row.unit)
            if row.baseline_label:
                baseline = f"{baseline} ({row.baseline_label})" if row.baseline is not None else row.baseline_label
            figure = f"{row.figure} ({row.note})" if row.note else row.figure
            cells = [
                str(number),
                figure,
                format_number(row.value, row.unit),
                baseline,
                format_ratio(row.ratio),
                row.target,
                _verdict(row.met),
            ]
            lines.append("| " + " | ".join(_cell(cell) for cell in cells) + " |")
    lines.append("")
    for position, measurement in enumerate(measurements, start=1):
        number = measurement.number or position
        lines.append(f"{number}. **{measurement.title}** ({measurement.seconds:.0f} s): {measurement.method}")
        lines.extend(f"   - skipped: {reason}" for reason in measurement.skipped)
    return "\n".join(lines) + "\n"


def report_json(measurements: Sequence[Measurement], *, when: datetime, command: str) -> dict[str, Any]:
    """The same report as a JSON-ready dict (ratios included, so readers need not recompute them)."""
    out: list[dict[str, Any]] = []
    for measurement in measurements:
        body = asdict(measurement)
        for row, raw in zip(measurement.rows, body["rows"], strict=True):
            raw["ratio"] = row.ratio
        out.append(body)
    return {"date": when.isoformat(), "command": command, "machine": machine(), "measurements": out}


def write_json(path: Path, report: dict[str, Any]) -> None:
    """Write the JSON report (creating its folder)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2) + "\n")


def now() -> datetime:
    """The report's timestamp (aware UTC)."""
    return datetime.now(UTC)


def python() -> str:
    """The interpreter every Python server under test is run with (the one running the benchmarks)."""
    return sys.executable
