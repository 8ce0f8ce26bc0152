"""xero-mcp's benchmark suite: reproducible measurements run on demand with `python -m benchmarks`.

Each module measures one thing the issue tracker's benchmark issue asks for, side by side with a baseline taken in
the same run, and returns a `Measurement`; `__main__` runs the chosen ones and prints one markdown table.
Nothing here is collected by pytest or asserts on timings.
"""
