"""How the stages run: the unit cache, the worker pool, the local and Dask engines, the warm server.

Nothing here is a stage's logic: the engine calls the stage modules' functions per unit
(a document or a thread) and caches their results; `argmap` starts in warm.py.
"""
