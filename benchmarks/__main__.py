"""`python -m benchmarks ...` runs as the `argmap-bench` command does."""

from benchmarks.cli import main

main()
