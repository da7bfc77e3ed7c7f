"""Import benchmark: socialset's import into its durable store against igraph's in-memory
load of the same file (pandas.read_csv + igraph.Graph.DataFrame), in one run, same machine.

Each measurement runs in a fresh process; the figure is the median wall time over --runs runs,
and the peak resident memory (max RSS) of that process. Python's own start-up and library
imports are not counted for igraph; socialset's whole process is counted for ours.
Run by `cargo xtask bench-import`, which creates the venv this needs.
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile

OURS = r"""
import json, resource, subprocess, sys, time
t = time.perf_counter()
r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
dt = time.perf_counter() - t
print(json.dumps({"s": dt, "rss_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
                  "rc": r.returncode, "err": r.stderr.decode(errors="replace")[-400:]}))
"""

IGRAPH = r"""
import json, resource, sys, time
import pandas as pd, igraph as ig
path, names = sys.argv[1], sys.argv[2].split(",")
t = time.perf_counter()
df = pd.read_csv(path, sep=r"\s+", comment="#", header=None, names=names)
g = ig.Graph.DataFrame(df, directed=True, use_vids=False)
dt = time.perf_counter() - t
print(json.dumps({"s": dt, "rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "n": g.vcount(), "m": g.ecount()}))
"""

DATASETS = [
    # name, file under data/, our import arguments, column names for pandas
    ("soc-Slashdot0902", "soc-slashdot0902/soc-Slashdot0902.txt.gz", ["--kind", "follow"], "src,dst"),
    ("Higgs activity", "higgs-twitter/higgs-activity_time.txt.gz", [], "src,dst,time,kind"),
]


def run(code, args):
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"benchmark step failed: {out.stderr[-800:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--socialset", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    import igraph
    import pandas

    rows = []
    for name, rel, extra, names in DATASETS:
        path = os.path.join(a.data, rel)
        if not os.path.exists(path):
            sys.exit(f"missing {path}: the benchmark needs ../shared/data beside the repository")
        ours, peer = [], []
        for _ in range(a.runs):
            with tempfile.TemporaryDirectory() as d:
                db = os.path.join(d, "bench.db")
                r = run(OURS, [a.socialset, "import", "--db", db, *extra, path])
                if r["rc"] != 0:
                    sys.exit(f"socialset import failed: {r['err']}")
                ours.append(r)
            peer.append(run(IGRAPH, [path, names]))
        records = peer[0]["m"]
        o_s = statistics.median(r["s"] for r in ours)
        p_s = statistics.median(r["s"] for r in peer)
        rows.append({
            "dataset": name, "records": records,
            "ours_s": o_s, "ours_rec_per_s": records / o_s, "ours_rss_mb": max(r["rss_kb"] for r in ours) / 1024,
            "igraph_s": p_s, "igraph_rss_mb": max(r["rss_kb"] for r in peer) / 1024,
        })
    print(json.dumps({
        "python": platform.python_version(), "igraph": igraph.__version__, "pandas": pandas.__version__,
        "cores": os.cpu_count(), "runs": a.runs, "rows": rows,
    }))


if __name__ == "__main__":
    main()
