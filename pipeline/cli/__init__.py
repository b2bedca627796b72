"""The `argmap` command: app.py assembles it from the stage registry, query.py and corpus.py;
common.py holds the global options, params() and the one handler of user errors.

Kept empty so that a runner importing common.py (its progress spinner) does not load the app.
"""
