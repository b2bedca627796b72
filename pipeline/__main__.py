"""`python -m pipeline ...` runs as the `argmap` command does."""

from pipeline.warm import main

main()
