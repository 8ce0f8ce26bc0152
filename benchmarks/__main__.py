"""`python -m benchmarks [--quick] [--only NAME[,NAME]] [--json PATH]`: run the measurements, print the table."""

from __future__ import annotations

import argparse
import importlib
import logging
import shlex
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import cast

from benchmarks._harness import Measurement, Options, describe_error, now, render_markdown, report_json, write_json

# In the order; each module has NAME, TITLE and run(options) -> Measurement.
MODULES = (
    "benchmarks.cold_start",
    "benchmarks.context_cost",
    "benchmarks.call_overhead",
    "benchmarks.api_calls",
    "benchmarks.throughput",
    "benchmarks.sandbox_scale",
    "benchmarks.hosted",
)


def _names() -> list[str]:
    return [module.rsplit(".", 1)[1] for module in MODULES]


def _only(value: str) -> list[str]:
    chosen = [part.strip() for part in value.split(",") if part.strip()]
    unknown = sorted(set(chosen) - set(_names()))
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown measurement {', '.join(unknown)}; choose from {', '.join(_names())}")
    return chosen


def run_measurement(module_name: str, options: Options) -> Measurement:
    """Run one measurement module; a crash becomes a skip note so the other measurements still report."""
    name = module_name.rsplit(".", 1)[1]
    try:
        module = importlib.import_module(module_name)
        run = cast(Callable[[Options], Measurement], module.run)
        return run(options)
    except Exception as error:
        failed = Measurement(name, name.replace("_", " "), "not measured: the measurement failed.")
        failed.skip(describe_error(error))
        return failed


def build_parser() -> argparse.ArgumentParser:
    """The command line of `python -m benchmarks`."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--only", type=_only, default=None, help=f"comma-separated subset of: {', '.join(_names())}")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (noisier figures, same kinds)")
    parser.add_argument("--json", type=Path, default=None, metavar="PATH", help="also write the report as JSON")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the chosen measurements in the issue's order and print the markdown table."""
    args = build_parser().parse_args(argv)
    # The servers under test log to stderr at WARNING, as `xero-mcp serve` does; the table goes to stdout.
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    chosen: list[str] = args.only or _names()
    options = Options(quick=args.quick)
    results: list[Measurement] = []
    for number, module_name in enumerate(MODULES, start=1):
        name = module_name.rsplit(".", 1)[1]
        if name not in chosen:
            continue
        print(f"running {name} ...", file=sys.stderr, flush=True)
        started = time.perf_counter()
        result = run_measurement(module_name, options)
        result.number = number
        result.seconds = time.perf_counter() - started
        print(f"  done in {result.seconds:.1f} s", file=sys.stderr, flush=True)
        results.append(result)
    command = shlex.join(["python", "-m", "benchmarks", *(sys.argv[1:] if argv is None else argv)])
    when = now()
    print(render_markdown(results, when=when, command=command), end="")
    if args.json is not None:
        write_json(args.json, report_json(results, when=when, command=command))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
