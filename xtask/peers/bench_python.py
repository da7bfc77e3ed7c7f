"""`cargo xtask bench-python`: rank and audit from Python against the same engine calls from
Rust, on one store. Prints JSON.

    python bench_python.py STORE SOCIALSET_BINARY RUNS TOP

Rust: the release `socialset` binary writing the rows as an Arrow file (`--out x.arrow`; the
engine call, its JSON rows and their Arrow columns; process start included). Python: the
same command from the installed wheel, to a pyarrow.Table and to a pandas DataFrame.
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import pandas
import pyarrow

import socialset
from socialset import _native

store, binary, runs, top = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
ws = socialset.Workspace(store)
calls = {
    "rank": (["rank", "--top", str(top), "--min-engagers", "1"], lambda out: ws.rank(top=top, min_engagers=1, output=out)),
    "audit": (["audit", "--all", "--top", str(top)], lambda out: ws.audit(all=True, top=top, output=out)),
}
result = {"runs": runs, "top": top, "pandas": pandas.__version__, "pyarrow": pyarrow.__version__,
          "python": sys.version.split()[0], "calls": {}}
with tempfile.TemporaryDirectory() as tmp:
    for name, (args, call) in calls.items():
        rust, arrow, frame, parts, rows = [], [], [], [], 0
        for _ in range(runs):
            out = os.path.join(tmp, f"{name}.arrow")
            t = time.perf_counter()
            subprocess.run([binary, *args, "--db", store, "--out", out], check=True, capture_output=True)
            rust.append(time.perf_counter() - t)
            t = time.perf_counter()
            table = call("arrow")
            arrow.append(time.perf_counter() - t)
            parts.append(_native.last_timings())
            rows = table.num_rows
            t = time.perf_counter()
            df = call("pandas")
            frame.append(time.perf_counter() - t)
            assert len(df) == rows
        med = statistics.median
        result["calls"][name] = {
            "rows": rows,
            "columns": table.num_columns,
            "rust_s": med(rust),
            "python_arrow_s": med(arrow),
            "python_pandas_s": med(frame),
            "command_s": med(p["command"] for p in parts),
            "rows_to_batches_s": med(p["rows"] for p in parts),
            "to_pyarrow_s": med(p["to_pyarrow"] for p in parts),
        }
print(json.dumps(result))
