"""`python -m pipeline ...` runs as the `argmap` command does."""

from pipeline.runtime.warm import main

main()
