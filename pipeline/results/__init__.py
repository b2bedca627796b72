"""What users read from a run: the query views and questions over outputs/, the report, the exports.

The argmap stage writes the exports (export.py), the report stage renders report.py's page, and
the `argmap` query commands (pipeline/cli/query.py) answer through query.py.
"""
