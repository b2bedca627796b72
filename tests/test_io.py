"""Atomic, schema-checked, byte-stable table writes."""

import pandas as pd
import pytest

from pipeline.io import atomic_path, read_table, write_table
from pipeline.schemas import EDGES, SchemaError


def _edges():
    return pd.DataFrame([dict(source_id="a", target_id="b", level="document", relation="reply", score=1.0,
                              reason="thread")])


def test_round_trip_and_byte_stable(tmp_path):
    p1, p2 = tmp_path / "a.parquet", tmp_path / "b.parquet"
    write_table(_edges(), p1, EDGES)
    write_table(_edges(), p2, EDGES)
    assert p1.read_bytes() == p2.read_bytes()
    pd.testing.assert_frame_equal(read_table(p1, EDGES), _edges())


def test_schema_violation_is_refused(tmp_path):
    with pytest.raises(SchemaError, match="missing columns"):
        write_table(_edges().drop(columns="reason"), tmp_path / "x.parquet", EDGES)
    assert not (tmp_path / "x.parquet").exists()


def test_interrupted_write_leaves_previous_output(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_text("half")
            raise RuntimeError("interrupted")
    assert target.read_text() == "old"
    assert list(tmp_path.iterdir()) == [target]


def test_atomic_dir_swaps_in_whole_or_not_at_all(tmp_path):
    from pipeline.io import atomic_dir

    target = tmp_path / "model"
    target.mkdir()
    (target / "weights.npz").write_text("old")
    with pytest.raises(RuntimeError):
        with atomic_dir(target) as tmp:
            (tmp / "weights.npz").write_text("half")
            raise RuntimeError("interrupted")
    assert (target / "weights.npz").read_text() == "old"
    with atomic_dir(target) as tmp:
        (tmp / "weights.npz").write_text("new")
    assert (target / "weights.npz").read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model"]


def test_write_json_matches_the_standard_library_bytes(tmp_path):
    """orjson's indented, key-sorted output is byte for byte json.dumps(indent=2, sort_keys=True)'s."""
    import json

    import numpy as np

    from pipeline.io import write_json

    doc = {
        "zeta": [1, 2.5, -0.0, 1e16, 0.1, True, None, {"b": "tiret\u200a\u2014\u200ahair", "a": []}],
        "alpha": {"nested": {"x": "quote \" and \\ backslash", "emoji": "\U0001f600", "empty": {}}},
        "counts": {"pro-sales": 6, "neutral": 23},
        "unicode": "café, naïve, \u00a0nbsp",
    }
    out = tmp_path / "doc.json"
    write_json(out, doc)
    assert out.read_bytes() == (json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")
    write_json(out, {"score": np.float64(0.25), "n": np.int64(3), 7: "int key"})
    assert json.loads(out.read_text(encoding="utf-8")) == {"score": 0.25, "n": 3, "7": "int key"}


def test_atomic_writes_get_the_usual_file_mode(tmp_path):
    """mkstemp makes 0600 files and mkdtemp 0700 folders; an output gets what open() or mkdir would
    give under the umask."""
    import subprocess
    import sys

    target, folder = tmp_path / "a.txt", tmp_path / "model"
    code = (f"import os; os.umask(0o022); from pipeline.io import atomic_dir, write_text; "
            f"write_text({str(target)!r}, 'x')\n"
            f"with atomic_dir({str(folder)!r}) as tmp: write_text(os.path.join(tmp, 'w'), 'y')")
    subprocess.run([sys.executable, "-c", code], check=True)
    assert oct(target.stat().st_mode & 0o777) == "0o644"
    assert oct(folder.stat().st_mode & 0o777) == "0o755" and (folder / "w").read_text() == "y"
