"""A worked example of socialset from Python, run as a test by .ci/python-test.

Imports a real export (the PHEME tweets bundled with the demo: Twitter API v1.1 objects of
rumour threads from the 2014-2015 breaking news in Ferguson, Ottawa, Sydney, Paris and
Germanwings), ranks the native influencers of one topic (the Sydney siege), audits them, and plots who they are.

    python docs/python/example.py STORE OUT.png [EXPORT...]

with the export defaulting to tests/data/demo/pheme-threads.jsonl.gz.
"""

import os
import sys

import matplotlib

matplotlib.use("Agg")  # no display: write the chart to a file
import matplotlib.pyplot as plt
from matplotlib.patches import Patch

import socialset

store, chart = sys.argv[1], sys.argv[2]
here = os.path.dirname(os.path.abspath(__file__))
exports = sys.argv[3:] or [os.path.join(here, "..", "..", "tests", "data", "demo", "pheme-threads.jsonl.gz")]

ws = socialset.Workspace(store)

# 1. Import: the report says what was read, kept and refused, file by file.
report = ws.import_files(exports)
store_after = report["store_after"]
print(f"imported {store_after['posts']:,} posts by {store_after['accounts']:,} accounts")

# 2. Rank: the natives (at most 5,000 followers) with the most authority on one topic, every
#    account someone engaged with listed (min_engagers=1: the sample is small).
natives = ws.rank(topic="sydneysiege, sydney", tier="native", top=15, min_engagers=1)
print(natives[["listed_rank", "handle", "score", "audience", "distinct_engagers"]].to_string(index=False))
print(natives.attrs["socialset"]["topic"])

# 3. Audit every account; join the verdicts to the natives.
audit = ws.audit(all=True, top=100_000)
natives = natives.merge(audit[["id", "verdict", "bot_probability"]], on="id", how="left")
print(natives["verdict"].value_counts(dropna=False).to_string())

# 4. The chart: authority of each native, coloured by the audit's verdict.
colours = {
    "human": "#1b9e77",
    "organisation or publisher": "#7570b3",
    "likely fake or bot": "#d95f02",
    "too little data": "#bbbbbb",
}
fig, ax = plt.subplots(figsize=(8, 5))
names = natives["handle"].fillna(natives["id"])
ax.barh(names[::-1], natives["score"][::-1],
        color=[colours.get(v, "#999999") for v in natives["verdict"][::-1]])
ax.set_xlabel("authority (engagement-weighted PageRank)")
ax.set_title("Native influencers on the Sydney siege, coloured by the audit's verdict")
ax.legend(handles=[Patch(color=c, label=v) for v, c in colours.items()], loc="lower right")
fig.tight_layout()
fig.savefig(chart, dpi=100)
print(f"chart: {chart}")
