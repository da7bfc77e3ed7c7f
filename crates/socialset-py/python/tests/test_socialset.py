"""The socialset Python package, on the repository's real fixtures (tests/data/demo).

Run by .ci/python-test on the wheel it builds: `pytest crates/socialset-py/python/tests`.
SOCIALSET_BIN (set by the script) is the CLI binary of the same build, to check that a method
answers what its command prints.
"""

import inspect
import json
import os
import signal
import subprocess
import sys
import threading
import time

import pyarrow as pa
import pytest

import socialset

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))
DEMO = os.path.join(ROOT, "tests", "data", "demo")
PHEME = os.path.join(DEMO, "pheme-threads.jsonl.gz")
HIGGS = os.path.join(DEMO, "higgs-activity-sample.txt.gz")
RATINGS = os.path.join(DEMO, "bitcoin-otc-sample.csv.gz")
REDDIT = os.path.join(DEMO, "reddit-funny-thread.jsonl.gz")


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    store = tmp_path_factory.mktemp("store") / "py.db"
    w = socialset.Workspace(store)
    report = w.import_files([PHEME, HIGGS, RATINGS, REDDIT])
    assert [f["format"] for f in report["files"]][:3] == ["twitter-v1", "higgs", "ratings-csv"]
    w.imported = report["store_after"]
    return w


def cli(*args):
    """What the socialset binary prints for ARGS, as JSON."""
    binary = os.environ.get("SOCIALSET_BIN")
    if not binary:
        pytest.skip("SOCIALSET_BIN is not set (.ci/python-test sets it)")
    out = subprocess.run([binary, *args], check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def test_stats_counts_what_was_imported(ws):
    stats = ws.stats()
    assert stats == ws.imported
    assert stats["posts"] > 1520
    assert stats["ratings"] == 9788
    assert stats["interactions"] > 28_000


def test_rank_is_a_dataframe_of_the_commands_rows(ws):
    frame = ws.rank(top=40, min_engagers=1)
    assert len(frame) == 40
    assert list(frame["listed_rank"]) == list(range(1, 41))
    assert str(frame["score"].dtype) == "float64"
    assert str(frame["rank"].dtype) == "int64"
    assert "received.reply" in frame.columns, "nested fields are outer.inner columns"
    report = frame.attrs["socialset"]
    assert "accounts" not in report and report["ranked"] >= 40
    # The same engine call as the command line: the same accounts, in the same order.
    printed = cli("rank", "--top", "40", "--min-engagers", "1", "--format", "json", "--db", ws.path)
    assert [a["id"] for a in printed["accounts"]] == list(frame["id"])
    assert printed["ranked"] == report["ranked"]


def test_options_have_the_commands_names_and_defaults():
    rank = inspect.signature(socialset.Workspace.rank).parameters
    assert rank["top"].default == 20
    assert rank["min_engagers"].default == 3
    assert rank["damping"].default == 0.85
    assert rank["assume_native_if_unknown"].default is False
    assert "--min-engagers" in socialset.Workspace.rank.__doc__
    plan = inspect.signature(socialset.Workspace.plan).parameters
    assert plan["budget"].default is inspect.Parameter.empty, "required, as on the command line"
    assert inspect.signature(socialset.Workspace.explain).parameters["account"].kind == inspect.Parameter.POSITIONAL_OR_KEYWORD


def test_arrow_output_carries_the_report(ws):
    table = ws.rank(top=5, output="arrow")
    assert isinstance(table, pa.Table)
    assert table.num_rows == 5
    assert table.schema.field("score").type == pa.float64()
    report = json.loads(table.schema.metadata[b"socialset"])
    assert report["ranked"] > 0


def test_every_method_answers(ws):
    top = ws.rank(top=1, min_engagers=1)["id"][0]
    assert ws.explain(top)["id"] == top
    communities = ws.communities(top=5)
    assert len(communities) > 0 and "size" in communities.columns
    audit = ws.audit(all=True, top=100_000)
    assert set(audit["verdict"]) <= {"human", "organisation or publisher", "likely fake or bot", "too little data"}
    assert len(audit) > 1000
    assert isinstance(ws.pods(), object)
    trust = ws.trust(top=10)
    assert len(trust) == 10 and trust["trust"].between(0, 1).all()
    assert "independence" in ws.independence(top)
    assert ws.disclosure() is not None
    plan = ws.plan(budget=1000)
    assert len(plan) > 0 and plan.attrs["socialset"]["budget_eur"] == 1000
    assert ws.ugc(output="dict")["posts"] > 0
    assert ws.segments() is not None
    assert len(ws.groups()) > 0
    assert ws.sentiment(text="What a wonderful day, I love it!")["polarity"] == "positive"
    assert len(ws.claims()) > 0


def test_graphs_hold_every_engagement(ws):
    edges = ws.graph("interactions", as_="arrow")
    assert edges.num_rows == ws.stats()["interactions"]
    g = ws.graph("interactions", as_="networkx")
    assert g.number_of_edges() == edges.num_rows
    ig = ws.graph("interactions", as_="igraph")
    assert ig.ecount() == edges.num_rows and ig.is_directed()


def test_a_bad_file_names_file_line_and_field_and_changes_nothing(ws, tmp_path):
    bad = tmp_path / "ratings.csv"
    bad.write_text("1,2,5,1289241911.72836\n3,4,eleven,1289241912\n")
    before = ws.stats()
    with pytest.raises(socialset.BadInputError) as caught:
        ws.import_files([bad])
    e = caught.value
    assert e.file.endswith("ratings.csv") and e.line == 2, str(e)
    assert e.field is not None, str(e)
    assert isinstance(e, socialset.SocialsetError)
    assert ws.stats() == before, "the failed import changed the store"


def test_refusals_are_exceptions_of_their_kind(ws, tmp_path):
    with pytest.raises(socialset.UsageError, match="--tier"):
        ws.rank(tier="giant")
    with pytest.raises(TypeError):
        ws.rank(no_such_option=1)
    with pytest.raises(socialset.NotFoundError):
        socialset.Workspace(tmp_path / "missing.db").rank()
    with pytest.raises(socialset.SocialsetError):
        ws.explain("no-such-account-anywhere")
    with pytest.raises(socialset.NotFoundError, match="no such file"):
        ws.import_files([tmp_path / "missing.jsonl"])
    # A negative value is the option's value, not another option: the engine refuses it.
    with pytest.raises(socialset.UsageError, match="budget"):
        ws.plan(budget=-5)


def test_the_gil_is_released_while_the_engine_works(ws):
    ticks = []
    stop = threading.Event()

    def tick():
        while not stop.is_set():
            ticks.append(time.perf_counter())
            time.sleep(0.001)

    t = threading.Thread(target=tick)
    t.start()
    started = time.perf_counter()
    ws.communities(restarts=16)
    elapsed = time.perf_counter() - started
    stop.set()
    t.join()
    during = [x for x in ticks if started <= x <= started + elapsed]
    # Held, the GIL would let the other thread run only between Python bytecodes of this one.
    assert elapsed < 0.05 or len(during) > elapsed / 0.01, (elapsed, len(during))


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to oneself")
def test_ctrl_c_stops_a_long_call(ws):
    started = time.perf_counter()
    timer = threading.Timer(0.5, lambda: os.kill(os.getpid(), signal.SIGINT))
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        ws.communities(restarts=1000)
    stopped = time.perf_counter() - started
    timer.cancel()
    assert stopped < 10, f"Ctrl-C took {stopped:.1f} s to stop the work"
    assert ws.stats() == ws.imported, "the store is as it was"


def test_version_names_the_store_schema():
    assert "store schema" in socialset.version()
