"""The benchmark harness: statistics, the report's table and JSON, and reading processes from /proc."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from benchmarks.__main__ import build_parser, run_measurement
from benchmarks._harness import (
    Measurement,
    Options,
    Row,
    children_of,
    describe_error,
    format_number,
    format_ratio,
    median,
    p95,
    peak_rss_kib,
    percentile,
    render_markdown,
    report_json,
    timed,
)
from benchmarks.context_cost import share, tokens, wire_size

WHEN = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


def _report() -> list[Measurement]:
    first = Measurement("cold_start", "Cold start", "spawned and timed.", number=1)
    first.add(Row("cold start, xero-mcp", 540.0, "ms", 500.0, "bare", "<= 1.15x bare", met=True, note="n=7"))
    second = Measurement("api_calls", "API calls", "counted at the sandbox.", number=4)
    second.add(Row("calls to poll a|b", 6, "calls", 5, "minimum"))
    second.skip("official server: node is missing")
    return [first, second]


def test_median_of_an_even_sample_is_the_mean_of_the_middle_pair() -> None:
    assert median([4.0, 1.0, 3.0, 2.0]) == 2.5
    assert median([3.0, 1.0, 2.0]) == 2.0


def test_p95_of_200_samples_is_the_190th_smallest() -> None:
    samples = [float(value) for value in range(200, 0, -1)]
    assert p95(samples) == 190.0
    assert percentile(samples, 50) == 100.0
    assert percentile([7.0], 95) == 7.0


def test_statistics_of_an_empty_sample_are_refused() -> None:
    with pytest.raises(ValueError):
        median([])
    with pytest.raises(ValueError):
        p95([])
    with pytest.raises(ValueError):
        percentile([1.0], 0)


def test_timed_appends_the_elapsed_clock_time() -> None:
    ticks = iter([10.0, 10.25])
    samples: list[float] = []
    with timed(samples, clock=lambda: next(ticks)):
        pass
    assert samples == [0.25]


def test_ratio_is_missing_without_a_usable_baseline() -> None:
    assert Row("x", 3.0, "ms", 2.0).ratio == 1.5
    assert Row("x", 3.0, "ms", None).ratio is None
    assert Row("x", 3.0, "ms", 0.0).ratio is None
    assert Row("x", None, "ms", 2.0).ratio is None


def test_numbers_are_formatted_with_precision_that_suits_their_size() -> None:
    assert format_number(43292, "chars") == "43,292 chars"
    assert format_number(512.4, "ms") == "512 ms"
    assert format_number(12.34, "ms") == "12.3 ms"
    assert format_number(1.234) == "1.23"
    assert format_number(0.01234, "ms") == "0.012 ms"
    assert format_number(None, "ms") == "-"
    assert format_number(1, "calls") == "1 call"
    assert format_number(1, "ms") == "1 ms"
    assert format_number(0, "responses") == "0 responses"
    assert format_ratio(1.0712) == "1.07x"
    assert format_ratio(0.0123) == "0.012x"
    assert format_ratio(None) == "-"


def test_quick_options_use_the_quick_repetition_count() -> None:
    assert Options(quick=True).repeat(200, 50) == 50
    assert Options().repeat(200, 50) == 200


def test_markdown_table_shows_figure_baseline_ratio_target_and_core_count() -> None:
    text = render_markdown(_report(), when=WHEN, command="python -m benchmarks")
    lines = text.splitlines()
    assert "2026-11-21" in lines[0]
    assert "`python -m benchmarks`" in lines[0]
    assert "cores (os.cpu_count())" in lines[0]
    assert "| 1 | cold start, xero-mcp (n=7) | 540 ms | 500 ms (bare) | 1.08x | <= 1.15x bare | yes |" in lines
    # A pipe inside a cell is escaped so the table keeps its columns; a row keeps its measurement's number.
    assert "| 4 | calls to poll a\\|b | 6 calls | 5 calls (minimum) | 1.20x |  |  |" in lines
    assert "1. **Cold start** (0 s): spawned and timed." in lines
    assert "   - skipped: official server: node is missing" in lines


def test_json_report_carries_the_same_figures_with_ratios_and_machine() -> None:
    report = report_json(_report(), when=WHEN, command="python -m benchmarks --json out.json")
    decoded = json.loads(json.dumps(report))
    assert decoded["machine"]["cpu_count"] is not None
    assert decoded["command"] == "python -m benchmarks --json out.json"
    first, second = decoded["measurements"]
    assert first["rows"][0]["ratio"] == pytest.approx(1.08)
    assert first["number"] == 1
    assert second["skipped"] == ["official server: node is missing"]


def test_peak_memory_is_read_from_vmhwm(tmp_path: Path) -> None:
    (tmp_path / "42").mkdir()
    (tmp_path / "42" / "status").write_text(
        "Name:\tpython\nVmPeak:\t 9000 kB\nVmHWM:\t   65432 kB\nVmRSS:\t 60000 kB\n"
    )
    assert peak_rss_kib(42, proc=tmp_path) == 65432
    assert peak_rss_kib(43, proc=tmp_path) is None


def test_children_are_found_by_parent_id_oldest_first(tmp_path: Path) -> None:
    def stat(pid: int, name: str, ppid: int, start: int) -> None:
        (tmp_path / str(pid)).mkdir()
        rest = ["S", str(ppid), *["0"] * 17, str(start)]
        (tmp_path / str(pid) / "stat").write_text(f"{pid} ({name}) {' '.join(rest)} 0 0\n")

    stat(11, "python -m (x)", 7, 500)
    stat(12, "node", 7, 300)
    stat(13, "other", 8, 100)
    (tmp_path / "self").mkdir()
    assert children_of(7, proc=tmp_path) == [12, 11]


def test_errors_inside_exception_groups_are_described() -> None:
    group = ExceptionGroup("unhandled errors", [ImportError("no module named x"), ValueError()])
    assert describe_error(group) == "ImportError: no module named x; ValueError"


def test_unknown_measurement_names_are_refused() -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--only", "cold_start,warp_speed"])
    args = build_parser().parse_args(["--only", "cold_start,context_cost", "--quick"])
    assert args.only == ["cold_start", "context_cost"]
    assert args.quick


def test_a_measurement_that_crashes_is_reported_as_skipped() -> None:
    result = run_measurement("benchmarks.no_such_measurement", Options(quick=True))
    assert result.rows == []
    assert result.skipped == ["ModuleNotFoundError: No module named 'benchmarks.no_such_measurement'"]


def test_wire_size_counts_compact_json_characters() -> None:
    tools = [{"name": "café", "inputSchema": {"type": "object"}}]
    assert wire_size(tools) == len('[{"name":"café","inputSchema":{"type":"object"}}]')
    assert tokens(400) == 100


def test_share_is_the_fraction_of_characters_one_field_takes() -> None:
    tools = [{"name": "a", "outputSchema": {"type": "object"}}, {"name": "b"}]
    total = wire_size(tools)
    assert share(tools, "outputSchema") == len('{"type":"object"}') / total
    assert share(tools, "annotations") == 0.0
