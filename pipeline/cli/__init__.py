"""The `argmap` command: app.py assembles it from the stage registry, query.py and corpus.py;
common.py holds the global options, params() and the one handler of user errors.

Only commands import it (these and benchmarks/*_cli.py): the stages and the runtime never depend on the CLI.
"""
