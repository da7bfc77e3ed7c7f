"""The peer libraries on the same graphs as socialset, with the same settings, in one run.

    graph_peers.py communities --edges E --labels L --ours M      quality against ground truth
    graph_peers.py modularity  --edges E --ours M                  modularity, one function for all
    graph_peers.py bench       --edges E --lib NAME [--runs N]     timings of one library
    graph_peers.py ours --edges E --membership M -- COMMAND...     socialset's runner, measured alike

Graphs are read the same way socialset's `cargo xtask kernels` reads them: `src dst` lines,
`#` comments skipped, self-loops dropped, node ids kept as names. Every partition, ours
included, is scored by igraph's functions (Graph.modularity, compare_communities), so the
figures compare. Run by `cargo xtask eval-quality` and `cargo xtask bench-peers`, which create
the venv this needs.
"""
import argparse
import json
import resource
import statistics
import sys
import time


def read_edges(path):
    import gzip
    opener = gzip.open if path.endswith(".gz") else open
    ids, edges = {}, []
    with opener(path, "rt") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            a, b = line.split()[:2]
            if a == b:
                continue
            edges.append((ids.setdefault(a, len(ids)), ids.setdefault(b, len(ids))))
    return ids, edges


def read_pairs(path):
    out = {}
    with open(path) as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                node, label = line.split()[:2]
                out[node] = int(label)
    return out


def undirected(ids, edges, extra_nodes=()):
    import igraph as ig
    for n in extra_nodes:
        ids.setdefault(n, len(ids))
    g = ig.Graph(n=len(ids), edges=edges, directed=False)
    g.simplify(multiple=True, loops=True)
    return g


def peer_partitions(g, seed):
    """Every peer's communities of g, as membership lists."""
    import igraph as ig
    import leidenalg
    import networkit as nk
    out = {}
    import random
    random.seed(seed)
    ig.set_random_number_generator(random)
    out["igraph Leiden (modularity, until stable)"] = g.community_leiden(objective_function="modularity", n_iterations=-1).membership
    out["igraph Leiden (modularity, 2 iterations)"] = g.community_leiden(objective_function="modularity", n_iterations=2).membership
    out["igraph Louvain (multilevel)"] = g.community_multilevel().membership
    out["leidenalg (ModularityVertexPartition)"] = leidenalg.find_partition(
        g, leidenalg.ModularityVertexPartition, seed=seed, n_iterations=-1).membership
    nk.setSeed(seed, False)
    nk.engineering.setNumberOfThreads(2)
    ng = nk.graph.Graph(g.vcount(), weighted=False, directed=False)
    for a, b in g.get_edgelist():
        ng.addEdge(a, b)
    plm = nk.community.PLM(ng, refine=True)
    plm.run()
    part = plm.getPartition()
    out["NetworKit PLM (refine)"] = [part.subsetOf(v) for v in range(g.vcount())]
    return out


def cmd_communities(a):
    import igraph as ig
    ids, edges = read_edges(a.edges)
    labels = read_pairs(a.labels)
    ours = read_pairs(a.ours)
    g = undirected(ids, edges, extra_nodes=list(labels))
    nodes = list(labels)
    truth = [labels[n] for n in nodes]
    parts = {"socialset Leiden (modularity)": [ours[n] for n in nodes]}
    index = {n: i for n, i in ids.items()}
    for name, m in peer_partitions(g, a.seed).items():
        parts[name] = [m[index[n]] for n in nodes]
    order = [index[n] for n in nodes]
    rows = []
    for name, m in parts.items():
        full = [0] * g.vcount()
        for i, v in enumerate(order):
            full[v] = m[i]
        rows.append({
            "method": name,
            "communities": len(set(m)),
            "modularity": g.modularity(full),
            "nmi": ig.compare_communities(truth, m, method="nmi"),
            "ari": ig.compare_communities(truth, m, method="adjusted_rand"),
        })
    print(json.dumps({"nodes": len(nodes), "groups": len(set(truth)), "rows": rows}))


def cmd_modularity(a):
    ids, edges = read_edges(a.edges)
    g = undirected(ids, edges)
    rows = []
    for path in a.ours:
        label, _, file = path.partition("=")
        part = read_pairs(file)
        rows.append({"method": label, "modularity": g.modularity([part[n] for n in sorted(ids, key=ids.get)]),
                     "communities": len(set(part.values()))})
    for name, m in peer_partitions(g, a.seed).items():
        rows.append({"method": name, "modularity": g.modularity(m), "communities": len(set(m))})
    # The best of several seeded runs, as socialset's --restarts does: seeds seed, seed+1, ...
    if a.best_of > 1:
        import igraph as ig
        import random
        for label, iterations in (("until stable", -1), ("2 iterations", 2)):
            best = None
            for s in range(a.seed, a.seed + a.best_of):
                random.seed(s)
                ig.set_random_number_generator(random)
                m = g.community_leiden(objective_function="modularity", n_iterations=iterations).membership
                q = g.modularity(m)
                if best is None or q > best[0]:
                    best = (q, m)
            rows.append({"method": f"igraph Leiden (modularity, {label}), best of {a.best_of} seeds",
                         "modularity": best[0], "communities": len(set(best[1]))})
    print(json.dumps({"nodes": g.vcount(), "edges": g.ecount(), "rows": rows}))


def modularity_of(edges, membership):
    """Newman–Girvan modularity (resolution 1) of a partition of the simple undirected graph
    of `edges`: the one function that scores every library's partition in `bench`."""
    pairs = {(min(a, b), max(a, b)) for a, b in edges}
    m = len(pairs)
    inside, degree = {}, {}
    for a, b in pairs:
        ca, cb = membership[a], membership[b]
        degree[ca] = degree.get(ca, 0) + 1
        degree[cb] = degree.get(cb, 0) + 1
        if ca == cb:
            inside[ca] = inside.get(ca, 0) + 1
    return sum(inside.get(c, 0) / m - (d / (2 * m)) ** 2 for c, d in degree.items())


def timed(runs, f):
    times, out = [], None
    for _ in range(runs):
        t = time.perf_counter()
        out = f()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def cmd_bench(a):
    """One library: build, PageRank (damping 0.85, L1 tolerance 1e-6 where settable), Leiden or
    Louvain, k-core, weakly connected components. Peak RSS of this process is reported."""
    ids, edges = read_edges(a.edges)
    n, runs, res = len(ids), a.runs, {}
    lib = a.lib
    membership = None
    if lib == "igraph":
        import igraph as ig
        res["build_s"], g = timed(runs, lambda: ig.Graph(n=n, edges=edges, directed=True))
        res["pagerank_s"], _ = timed(runs, lambda: g.pagerank(damping=0.85))
        u = g.as_undirected(mode="collapse")
        res["leiden_s"], p = timed(runs, lambda: u.community_leiden(objective_function="modularity", n_iterations=2))
        membership = p.membership
        res["kcore_s"], _ = timed(runs, lambda: u.coreness())
        res["wcc_s"], _ = timed(runs, lambda: g.connected_components(mode="weak"))
    elif lib == "networkit":
        import networkit as nk
        nk.engineering.setNumberOfThreads(2)
        def build():
            gg = nk.graph.Graph(n, weighted=False, directed=True)
            for s, d in edges:
                gg.addEdge(s, d)
            gg.removeMultiEdges()
            return gg
        res["build_s"], g = timed(runs, build)
        def pr():
            p = nk.centrality.PageRank(g, damp=0.85, tol=1e-6)
            try:
                p.norm = nk.centrality.Norm.L1_NORM
            except AttributeError:
                pass
            p.run()
            return p
        res["pagerank_s"], _ = timed(runs, pr)
        u = nk.graphtools.toUndirected(g)
        u.removeMultiEdges()
        def leiden():
            c = nk.community.ParallelLeiden(u, iterations=2)
            c.run()
            return c.getPartition()
        res["leiden_s"], part = timed(runs, leiden)
        membership = list(part.getVector())
        def kcore():
            c = nk.centrality.CoreDecomposition(u)
            c.run()
            return c
        res["kcore_s"], _ = timed(runs, kcore)
        def wcc():
            c = nk.components.WeaklyConnectedComponents(g)
            c.run()
            return c
        res["wcc_s"], _ = timed(runs, wcc)
    elif lib == "networkx":
        import networkx as nx
        res["build_s"], g = timed(runs, lambda: nx.DiGraph(edges))
        res["pagerank_s"], _ = timed(runs, lambda: nx.pagerank(g, alpha=0.85, tol=1e-6 / n))
        u = g.to_undirected()
        res["louvain_s"], part = timed(1, lambda: nx.community.louvain_communities(u, seed=42))
        membership = [0] * n
        for c, nodes in enumerate(part):
            for v in nodes:
                membership[v] = c
        res["kcore_s"], _ = timed(runs, lambda: nx.core_number(u))
        res["wcc_s"], _ = timed(runs, lambda: list(nx.weakly_connected_components(g)))
    elif lib == "rustworkx":
        import rustworkx as rx
        def build():
            gg = rx.PyDiGraph(multigraph=False)
            gg.add_nodes_from(range(n))
            gg.extend_from_edge_list(edges)
            return gg
        res["build_s"], g = timed(runs, build)
        res["pagerank_s"], _ = timed(runs, lambda: rx.pagerank(g, alpha=0.85, tol=1e-6 / n))
        u = g.to_undirected(multigraph=False)
        res["kcore_s"], _ = timed(runs, lambda: rx.core_number(u))
        res["wcc_s"], _ = timed(runs, lambda: rx.weakly_connected_components(g))
    elif lib == "leidenalg":
        import igraph as ig
        import leidenalg
        g = ig.Graph(n=n, edges=edges, directed=False).simplify()
        res["leiden_s"], p = timed(runs, lambda: leidenalg.find_partition(
            g, leidenalg.ModularityVertexPartition, n_iterations=2, seed=42))
        membership = p.membership
    else:
        sys.exit(f"unknown library {lib}")
    res["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if membership is not None:
        key = "louvain_modularity" if lib == "networkx" else "leiden_modularity"
        res[key] = modularity_of(edges, membership)
    print(json.dumps(res))


def cmd_ours(a):
    """Runs socialset's kernel runner and adds its peak RSS, measured the same way, and (with
    --membership, the file the runner wrote with --membership-out) its modularity, scored the
    same way."""
    import subprocess
    out = subprocess.run(a.command, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(out.stderr[-800:])
    res = json.loads(out.stdout.strip().splitlines()[-1])
    res["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    if a.membership:
        ids, edges = read_edges(a.edges)
        ours = read_pairs(a.membership)
        membership = [0] * len(ids)
        for name, i in ids.items():
            membership[i] = ours[name]
        res["leiden_modularity"] = modularity_of(edges, membership)
    print(json.dumps(res))


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("communities"); c.add_argument("--edges", required=True); c.add_argument("--labels", required=True)
    c.add_argument("--ours", required=True); c.add_argument("--seed", type=int, default=42)
    m = sub.add_parser("modularity"); m.add_argument("--edges", required=True)
    m.add_argument("--ours", action="append", required=True, help="LABEL=FILE, one per socialset partition")
    m.add_argument("--seed", type=int, default=42); m.add_argument("--best-of", type=int, default=1)
    b = sub.add_parser("bench"); b.add_argument("--edges", required=True); b.add_argument("--lib", required=True)
    b.add_argument("--runs", type=int, default=3)
    o = sub.add_parser("ours"); o.add_argument("--edges"); o.add_argument("--membership")
    o.add_argument("command", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    if a.cmd == "ours" and a.command and a.command[0] == "--":
        a.command = a.command[1:]
    {"communities": cmd_communities, "modularity": cmd_modularity, "bench": cmd_bench, "ours": cmd_ours}[a.cmd](a)


if __name__ == "__main__":
    main()
