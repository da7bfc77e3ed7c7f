"""Draws the hand-labelled sample of PHEME accounts for `socialset eval verdicts`.

Usage (from the repository root, Python 3, no packages):

    mkdir -p /tmp/pheme && tar xzf ../shared/data/rumoureval2017-pheme/rumoureval2017-traindev-threads.tar.gz -C /tmp/pheme
    socialset import --db /tmp/pheme.db ../shared/data/rumoureval2017-pheme/rumoureval2017-traindev-threads.tar.gz
    # The model's probabilities at its own training mix (43.5% bots): the old two-verdict audit.
    socialset audit --db /tmp/pheme.db --all --top 0 --bot-share 0.4347 --format csv > /tmp/old-audit.csv
    python3 tests/data/audit/sample_pheme.py /tmp/pheme/rumoureval-data /tmp/old-audit.csv > sample.csv

Two strata of 50, drawn with seed 20261204 from the accounts sorted by id:
  random  -- any account with a profile in the threads;
  suspect -- accounts the old audit called "likely bot" (probability >= 0.5 at the training mix),
             not already drawn.
The rows are then shuffled (same seed) so that the labeller cannot tell the strata apart, and
printed with the profile only (no score, no verdict): the labeller fills in `label`.
"""
import csv
import glob
import json
import random
import sys

threads, old_audit = sys.argv[1], sys.argv[2]
users, clients = {}, {}
for path in sorted(glob.glob(f"{threads}/*/*/*/*.json")):
    if path.endswith("structure.json"):
        continue
    tweet = json.load(open(path))
    u = tweet.get("user")
    if not u:
        continue
    uid = "tw:" + u["id_str"]
    users[uid] = u
    clients.setdefault(uid, set()).add(
        tweet.get("source", "").split(">")[1].split("<")[0] if ">" in tweet.get("source", "") else tweet.get("source", "")
    )
suspect = set()
for row in csv.DictReader(open(old_audit)):
    if float(row["bot_probability"]) >= 0.5 and row["verdict"] != "too little data":
        suspect.add(row["account"])
rng = random.Random(20261204)
ids = sorted(users)
random_part = rng.sample(ids, 50)
rest = sorted(suspect.intersection(ids) - set(random_part))
suspect_part = rng.sample(rest, 50)
rows = [(a, "random") for a in random_part] + [(a, "suspect") for a in suspect_part]
rng.shuffle(rows)
out = csv.writer(sys.stdout)
out.writerow(["account", "handle", "sample", "label", "name", "bio", "followers", "following",
              "posts", "listed", "verified", "created_at", "clients"])
for a, stratum in rows:
    u = users[a]
    out.writerow([a, u["screen_name"], stratum, "", u.get("name", ""),
                  (u.get("description") or "").replace("\n", " "), u["followers_count"],
                  u["friends_count"], u["statuses_count"], u["listed_count"], u["verified"],
                  u["created_at"], "; ".join(sorted(clients[a]))])
