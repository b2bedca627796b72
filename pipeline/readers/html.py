"""HTML reader (placeholder until the lxml/trafilatura reader lands)."""

from pipeline.readers import ReadResult, Reject


def read_html_page(text: str, source: str) -> ReadResult:
    return ReadResult(rejects=[Reject("html reader not implemented yet")])
