"""The influence-maximisation peers on the same graph as socialset, in one run.

    diffusion_peers.py mc  --edges E [--reverse] --seeds S1,S2,... --sims N
        cynetdiff's independent cascade: N simulations from the given seeds, timed
    diffusion_peers.py tim --edges E [--reverse] --k K
        netmax's TIM+ seeds (its default epsilon 0.2 and l = 1), timed

The graph is read as socialset's `cargo xtask diffusion` reads it: `src dst` lines, `#`
comments skipped, self-loops and repeated pairs dropped, node ids kept as names; edge
`src dst` means src can activate dst (`--reverse`: dst can activate src, as for Higgs
retweets, where `a b` says a retweeted b). Probabilities are the weighted cascade,
1 / (number of distinct in-neighbours), the same on both sides. Prints one JSON line. Run by
`cargo xtask eval-spread`, which creates the venv this needs.
"""
import argparse
import gzip
import json
import sys
import time


def read_graph(path, reverse):
    opener = gzip.open if path.endswith(".gz") else open
    ids, names, pairs = {}, [], set()
    with opener(path, "rt") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            a, b = line.split()[:2]
            if a == b:
                continue
            if reverse:
                a, b = b, a
            for x in (a, b):
                if x not in ids:
                    ids[x] = len(names)
                    names.append(x)
            pairs.add((ids[a], ids[b]))
    indeg = [0] * len(names)
    for _, v in pairs:
        indeg[v] += 1
    return ids, names, sorted(pairs), indeg


def cmd_mc(args):
    import array

    import numpy as np
    from cynetdiff.models import IndependentCascadeModel

    ids, names, pairs, indeg = read_graph(args.edges, args.reverse)
    n = len(names)
    starts = array.array("I", [0] * n)
    edges = array.array("I")
    probs = array.array("f")
    u_prev = -1
    for u, v in pairs:
        while u_prev < u:
            u_prev += 1
            starts[u_prev] = len(edges)
        edges.append(v)
        probs.append(1.0 / indeg[v])
    while u_prev < n - 1:
        u_prev += 1
        starts[u_prev] = len(edges)
    model = IndependentCascadeModel(starts, edges, activation_probs=probs, rng=np.random.default_rng(args.seed))
    seeds = [ids[s] for s in args.seeds.split(",") if s]
    model.set_seeds(seeds)
    t = time.perf_counter()
    total, squares = 0.0, 0.0
    for _ in range(args.sims):
        model.reset_model()
        model.advance_until_completion()
        c = model.get_num_activated_nodes()
        total += c
        squares += c * c
    seconds = time.perf_counter() - t
    mean = total / args.sims
    var = max(0.0, squares / args.sims - mean * mean) * args.sims / max(1, args.sims - 1)
    half = 1.96 * (var / args.sims) ** 0.5
    print(json.dumps({"peer": "cynetdiff", "simulations": args.sims, "seconds": seconds,
                      "mean": mean, "low": mean - half, "high": mean + half}))


def cmd_tim(args):
    import logging

    import networkx as nx
    from netmax.influence_maximization import InfluenceMaximization

    logging.disable(logging.CRITICAL)
    ids, names, pairs, indeg = read_graph(args.edges, args.reverse)
    g = nx.DiGraph()
    g.add_nodes_from(range(len(names)))
    g.add_edges_from((u, v, {"p": 1.0 / indeg[v]}) for u, v in pairs)
    t = time.perf_counter()
    im = InfluenceMaximization(g, agents={"socialset": args.k}, alg="tim_p", diff_model="ic", r=1)
    seed, _spread, _ = im.run()
    seconds = time.perf_counter() - t
    print(json.dumps({"peer": "netmax TIM+", "k": args.k, "seconds": seconds,
                      "seeds": [names[s] for s in seed["socialset"]]}))


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    for name in ("mc", "tim"):
        s = sub.add_parser(name)
        s.add_argument("--edges", required=True)
        s.add_argument("--reverse", action="store_true")
        s.add_argument("--seed", type=int, default=42)
        if name == "mc":
            s.add_argument("--seeds", required=True)
            s.add_argument("--sims", type=int, default=10000)
        else:
            s.add_argument("--k", type=int, required=True)
    args = p.parse_args()
    # netmax draws from Python's random module: seed it so runs repeat.
    import random
    random.seed(args.seed)
    {"mc": cmd_mc, "tim": cmd_tim}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
