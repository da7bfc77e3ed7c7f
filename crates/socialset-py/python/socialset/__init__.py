"""socialset from Python: find, vet and measure native influencers in real social-interaction
data, with results as pandas DataFrames, pyarrow Tables or polars DataFrames.

    import socialset
    ws = socialset.Workspace("brand.db")          # an SQLite file, or postgres://...
    ws.import_files(["tweets.jsonl.gz"])
    natives = ws.rank(tier="native", top=50)       # a pandas DataFrame
    audit = ws.audit(top=200)
    g = ws.graph("interactions", as_="networkx")

Every method runs the engine call of the command of the same name (`socialset rank` for
`rank`), with the same options under the same names (`--min-engagers` is `min_engagers`) and
the same defaults; `help(socialset.Workspace.rank)` is `socialset rank --help`. The work runs
without holding the GIL, and Ctrl-C stops it (the store stays as it was).
"""

from __future__ import annotations

import json
import os
import tempfile
from typing import Any, Dict, Optional, Sequence

from . import _native
from ._commands import _STORED, _Commands
from ._native import BadInputError, NotFoundError, SocialsetError, UsageError

__all__ = [
    "Workspace",
    "SocialsetError",
    "BadInputError",
    "UsageError",
    "NotFoundError",
    "version",
]


def version() -> str:
    """The version of socialset and of the store schema it reads and writes."""
    return _native.version()


def _argv(command: str, spec: tuple, given: Dict[str, Any], common: list) -> list:
    """The command line for `given` (a method's locals): each option that is not its default,
    then `common` (the store, the format), then the positional values."""
    argv = [command]
    tail = []
    for name, flag, kind, default in spec:
        value = given.get(name)
        if value is None or (kind != "flag" and value == default and kind not in ("positional", "positionals")):
            continue
        if kind == "flag":
            if value:
                argv.append(flag)
        elif kind == "value":
            # One word, so that a value that starts with '-' (budget=-5) is not an option.
            argv.append(f"{flag}={_text(value)}")
        elif kind == "values":
            argv += [flag] + [_text(v) for v in _many(name, value)]
        elif kind == "repeat":
            for v in _many(name, value):
                argv.append(f"{flag}={_text(v)}")
        elif kind == "positional":
            tail.append(_text(value))
        else:
            tail += [_text(v) for v in _many(name, value)]
    # Positional values after `--`, so a value that starts with '-' is not read as an option.
    return argv + common + (["--"] + tail if tail else [])


def _many(name: str, value: Any) -> Sequence[Any]:
    if isinstance(value, (str, bytes, os.PathLike)):
        return [value]
    try:
        return list(value)
    except TypeError:
        raise TypeError(f"{name}: expected a list of values, got {type(value).__name__}") from None


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    return str(value)


class Workspace(_Commands):
    """A socialset store: an SQLite file (created on the first import) or a PostgreSQL
    database given as postgres://user[:password]@host[:port]/database.

    The methods are socialset's commands; see `help(socialset.Workspace.rank)` and the others.
    """

    def __init__(self, path: "str | os.PathLike[str]") -> None:
        self.path = os.fspath(path)

    def __repr__(self) -> str:
        return f"socialset.Workspace({self.path!r})"

    def _run(self, command: str, rows: Optional[str], spec: tuple, given: Dict[str, Any]) -> Any:
        store = ["--db", self.path] if command in _STORED else []
        argv = _argv(command, spec, given, store + _format_flags(command))
        output = given.get("output", "dict")
        document, table = _native.run(argv, rows)
        report = json.loads(document) if document is not None else None
        if rows is None:
            return report
        return _as_output(table, report, rows, output)

    def graph(self, layer: str = "interactions", as_: str = "networkx") -> Any:
        """The store's graph of `layer` ("interactions": who engaged with whom, with each
        engagement's kind, time and weight; "follows": who follows whom) as a
        networkx.MultiDiGraph (`as_="networkx"`), an igraph.Graph (`as_="igraph"`), or the
        edges as a pyarrow.Table (`as_="arrow"`). Accounts are named by their ids.

        The edges come from `socialset export` (an Arrow IPC file in a temporary folder, read
        back memory-mapped), so memory stays flat until the graph itself is built.
        """
        if layer not in ("interactions", "follows"):
            raise UsageError(f'layer {layer!r}: expected "interactions" or "follows"')
        edges = self.table(layer)
        if as_ == "arrow":
            return edges
        if as_ == "networkx":
            import networkx as nx

            g = nx.MultiDiGraph()
            columns = {n: edges.column(n).to_pylist() for n in edges.column_names}
            src, dst = columns.pop("src"), columns.pop("dst")
            names = list(columns)
            g.add_edges_from(
                (s, d, dict(zip(names, values)))
                for s, d, *values in zip(src, dst, *(columns[n] for n in names))
            )
            return g
        if as_ == "igraph":
            import igraph as ig

            return ig.Graph.DataFrame(edges.to_pandas(), directed=True, use_vids=False)
        raise UsageError(f'as_={as_!r}: expected "networkx", "igraph" or "arrow"')

    def table(self, what: str) -> Any:
        """One of the store's tables (accounts, follows, posts, interactions, ratings, claims,
        verdicts) as a pyarrow.Table, with the columns docs/FORMAT.md gives ("Parquet and
        Arrow tables"): `socialset export --what WHAT --format arrow`, read memory-mapped."""
        import pyarrow as pa

        with tempfile.TemporaryDirectory(prefix="socialset-") as tmp:
            path = os.path.join(tmp, f"{what}.arrow")
            _native.run(["export", "--what", what, "--out", path, "--json", "--db", self.path], None)
            with pa.memory_map(path) as source:
                # Read whole before the folder goes: the table no longer needs the file.
                return pa.ipc.open_file(source).read_all()


def _format_flags(command: str) -> list:
    if command in ("stats", "import"):
        return ["--json"]
    return ["--format", "json"]


def _as_output(table: Any, report: Optional[dict], rows: str, output: str) -> Any:
    """The rows as the caller asked, the rest of the report beside them."""
    if output == "arrow":
        meta = dict(table.schema.metadata or {})
        meta[b"socialset"] = json.dumps(report).encode()
        return table.replace_schema_metadata(meta)
    if output == "pandas":
        frame = table.to_pandas()
        frame.attrs["socialset"] = report
        return frame
    if output == "polars":
        import polars as pl

        return pl.from_arrow(table)
    if output == "dict":
        if not rows:
            return table.to_pylist()
        document = dict(report or {})
        *path, key = rows.strip("/").split("/")
        at = document
        for part in path:
            at[part] = dict(at.get(part) or {})
            at = at[part]
        at[key] = table.to_pylist()
        return document
    raise UsageError(f'output={output!r}: expected "pandas", "arrow", "polars" or "dict"')
