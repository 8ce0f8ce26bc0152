"""Measurement 1: cold start over stdio (spawn -> initialize -> tools/list answered) and each server's peak memory.

`xero-mcp serve --sandbox` beside the floor for a Python MCP server (mcp 2.x's MCPServer with one tool, same
interpreter) and beside Xero's official node server. Runs are interleaved (A, B, C, A, B, C, ...) so that drift in
the machine's load falls on every server alike.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import anyio
from mcp import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client

from benchmarks._harness import (
    CACHE_DIR,
    REPO_ROOT,
    Measurement,
    Options,
    Row,
    Stopwatch,
    describe_error,
    median,
    peak_rss_kib,
    python,
)
from benchmarks._official import Unavailable, ensure_official
from benchmarks._servers import bare_params, official_params, server_pid, xero_mcp_params

NAME = "cold_start"
TITLE = "Cold start over stdio"
START_TIMEOUT = 60.0
TARGET_VS_BARE = 1.15


@dataclass
class Candidate:
    """One server under test and what its runs measured."""

    label: str
    params: StdioServerParameters
    seconds: list[float] = field(default_factory=list[float])
    peak_kib: list[int] = field(default_factory=list[int])
    tools: int = 0
    failure: str | None = None
    emptied: Path | None = None
    """A folder emptied before every run: the cache of a first start."""


async def start_once(params: StdioServerParameters, errlog: TextIO) -> tuple[float, int | None, int]:
    """Spawn the server, initialize (legacy handshake), list tools; (seconds, peak RSS KiB, tool count)."""
    with anyio.fail_after(START_TIMEOUT):
        watch = Stopwatch()
        async with stdio_client(params, errlog=errlog) as (read, write), ClientSession(read, write) as session:
            await session.initialize()
            listed = await session.list_tools()
            elapsed = watch.elapsed()
            pid = server_pid(params)
            peak = None if pid is None else peak_rss_kib(pid)
    return elapsed, peak, len(listed.tools)


def _stderr_tail(errlog: TextIO) -> str:
    errlog.seek(0)
    lines = [line.strip() for line in errlog.read().splitlines() if line.strip()]
    return lines[-1] if lines else "no output on stderr"


async def _run_one(candidate: Candidate, *, record: bool) -> None:
    if candidate.emptied is not None:
        shutil.rmtree(candidate.emptied, ignore_errors=True)
    with tempfile.TemporaryFile("w+") as errlog:
        try:
            seconds, peak, tools = await start_once(candidate.params, errlog)
        except Exception as error:
            candidate.failure = f"{describe_error(error)}; server stderr: {_stderr_tail(errlog)}"
            return
    if record:
        candidate.seconds.append(seconds)
        if peak is not None:
            candidate.peak_kib.append(peak)
    candidate.tools = tools


async def measure_all(candidates: list[Candidate], runs: int) -> None:
    """One discarded warm-up round (page cache, .pyc files), then `runs` interleaved rounds."""
    for round_number in range(runs + 1):
        for candidate in candidates:
            if candidate.failure is None:
                await _run_one(candidate, record=round_number > 0)


def startup_phases(runs: int) -> dict[str, float]:
    """Median milliseconds of each start-up phase (benchmarks/startup_phases.py), each run in a fresh interpreter."""
    samples: dict[str, list[float]] = {}
    for _ in range(runs):
        done = subprocess.run(
            [python(), "-m", "benchmarks.startup_phases"],
            capture_output=True,
            text=True,
            check=True,
            cwd=REPO_ROOT,
            timeout=START_TIMEOUT,
        )
        for phase, ms in json.loads(done.stdout).items():
            samples.setdefault(phase, []).append(float(ms))
    return {phase: median(values) for phase, values in samples.items()}


def run(options: Options) -> Measurement:
    """Measure cold start and peak memory of xero-mcp, the bare floor and the official server."""
    runs = options.repeat(11, 3)
    result = Measurement(
        NAME,
        TITLE,
        f"each server spawned {runs + 1} times, interleaved, first round discarded as warm-up; the mcp SDK's "
        "stdio_client + ClientSession (legacy initialize) time spawn -> tools/list result, median reported; "
        "peak memory = VmHWM of the server process read after tools/list, median reported; xero-mcp's first start "
        "(after installing or upgrading) runs with an emptied XDG_CACHE_HOME, so it makes its tool catalogue; the "
        "official server runs "
        "as `node dist/index.js` from its npm install (no npx resolution in the timing); start-up phases: "
        "benchmarks/startup_phases.py in fresh interpreters, median.",
    )
    ours = Candidate("xero-mcp serve --sandbox", xero_mcp_params())
    bare = Candidate("bare mcp 2.x MCPServer, one tool", bare_params())
    # The first start after installing or upgrading makes the tool catalogue (xero_mcp.tools._catalogue).
    first_cache = CACHE_DIR / "first-start-cache"
    first = xero_mcp_params()
    first.env = {**(first.env or {}), "XDG_CACHE_HOME": str(first_cache)}
    first_start = Candidate("xero-mcp serve --sandbox, first start (no tool catalogue)", first, emptied=first_cache)
    candidates = [ours, bare, first_start]
    official: Candidate | None = None
    try:
        server = ensure_official()
    except Unavailable as reason:
        result.skip(f"official server: {reason}")
    else:
        official = Candidate(server.label, official_params(server))
        candidates.append(official)

    anyio.run(measure_all, candidates, runs)

    for candidate in candidates:
        if candidate.failure is not None:
            result.skip(f"{candidate.label} did not start: {candidate.failure}")

    def ms(candidate: Candidate | None) -> float | None:
        if candidate is None or candidate.failure is not None or not candidate.seconds:
            return None
        return median(candidate.seconds) * 1000

    def mib(candidate: Candidate | None) -> float | None:
        if candidate is None or candidate.failure is not None or not candidate.peak_kib:
            return None
        return median(candidate.peak_kib) / 1024

    def spread(candidate: Candidate) -> str:
        if not candidate.seconds:
            return ""
        return f"n={len(candidate.seconds)}, {min(candidate.seconds) * 1000:.0f}-{max(candidate.seconds) * 1000:.0f} ms"

    ours_ms, bare_ms, official_ms = ms(ours), ms(bare), ms(official)
    vs_bare = result.add(
        Row(
            f"cold start, {ours.label}" + (f", {ours.tools} tools" if ours.tools else ""),
            ours_ms,
            "ms",
            bare_ms,
            f"{bare.label}; {spread(bare)}" if bare.seconds else bare.label,
            f"<= {TARGET_VS_BARE:.2f}x bare",
            note=spread(ours),
        )
    )
    if vs_bare.ratio is not None:
        vs_bare.met = vs_bare.ratio <= TARGET_VS_BARE
    result.add(
        Row(
            first_start.label,
            ms(first_start),
            "ms",
            bare_ms,
            bare.label,
            note=f"once after installing or upgrading; {spread(first_start)}",
        )
    )
    if official is not None:
        vs_official = result.add(
            Row(
                f"cold start, {ours.label}",
                ours_ms,
                "ms",
                official_ms,
                f"{official.label}, {official.tools} tools; {spread(official)}" if official.seconds else official.label,
                "< 1.00x official",
            )
        )
        if vs_official.ratio is not None:
            vs_official.met = vs_official.ratio < 1
    if ours.failure is None:
        phases = startup_phases(options.repeat(5, 2))
        floor = phases.pop("import mcp.server")
        start_up = {phase: ms for phase, ms in phases.items() if not phase.startswith("first ")}
        later = {phase: ms for phase, ms in phases.items() if phase.startswith("first ")}
        result.add(
            Row(
                "xero-mcp's own start-up work (its imports + build_server)",
                sum(start_up.values()),
                "ms",
                floor,
                "import mcp.server",
                note=", ".join(f"{phase} {ms:.0f} ms" for phase, ms in (start_up | later).items()),
            )
        )
    result.add(Row(f"peak memory, {ours.label}", mib(ours), "MiB", mib(bare), bare.label))
    if official is not None:
        result.add(Row(f"peak memory, {ours.label}", mib(ours), "MiB", mib(official), official.label))
    return result
