"""Cuts tests/data/demo/pheme-sample.jsonl.gz and pheme-threads.jsonl.gz from the PHEME /
RumourEval 2017 threads.

Every third thread (in event and thread-id order) of ../shared/data/rumoureval2017-pheme,
written in socialset's JSON Lines format (docs/FORMAT.md): each author's v1.1 `user` object as
an account (the latest one seen), each tweet as a post (client name from `source`, reply link,
mentions, hashtags, urls, like and retweet counts), and each reply and mention as an
interaction. Values are copied, never invented; what a tweet does not say stays out.

usage (from the repository root): python3 tests/data/demo/make_pheme_sample.py ../shared/data
"""
import gzip
import html
import json
import re
import sys
import tarfile
from datetime import datetime, timezone

shared = sys.argv[1]
tar = tarfile.open(f"{shared}/rumoureval2017-pheme/rumoureval2017-traindev-threads.tar.gz")
tweets = {}
threads = {}
for m in tar.getmembers():
    parts = m.name.split("/")
    if m.isfile() and m.name.endswith(".json") and len(parts) == 5 and parts[3] in ("source-tweet", "replies"):
        threads.setdefault((parts[1], parts[2]), []).append(m)
chosen = sorted(threads)[::3]
for key in chosen:
    for m in threads[key]:
        t = json.load(tar.extractfile(m))
        tweets[t["id_str"]] = t


def when(text):
    return datetime.strptime(text, "%a %b %d %H:%M:%S %z %Y").astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


accounts = {}
posts = []
interactions = []
for tid in sorted(tweets, key=int):
    t = tweets[tid]
    u = t["user"]
    uid = f"tw:{u['id_str']}"
    accounts[uid] = {
        "type": "account", "id": uid, "handle": u["screen_name"], "name": u.get("name"),
        "followers": u["followers_count"], "following": u["friends_count"],
        "posts_count": u["statuses_count"], "created_at": when(u["created_at"]),
        "bio": u.get("description"), "verified": u.get("verified"), "lang": u.get("lang"),
        "listed": u.get("listed_count"), "likes_given": u.get("favourites_count"),
    }
    source = re.sub(r"<[^>]+>", "", html.unescape(t.get("source") or "")).strip()
    ent = t.get("entities", {})
    post = {
        "type": "post", "id": f"tw:{tid}", "author": uid, "at": when(t["created_at"]),
        "text": t.get("text"), "lang": t.get("lang"),
        "mentions": [f"tw:{m['id_str']}" for m in ent.get("user_mentions", [])],
        "hashtags": [h["text"] for h in ent.get("hashtags", [])],
        "urls": [x.get("expanded_url") or x["url"] for x in ent.get("urls", [])],
        "likes": t.get("favorite_count"), "shares": t.get("retweet_count"),
    }
    if source:
        post["source"] = source
    if t.get("in_reply_to_status_id_str"):
        post["reply_to"] = f"tw:{t['in_reply_to_status_id_str']}"
    posts.append({k: v for k, v in post.items() if v is not None})
    replied = t.get("in_reply_to_user_id_str")
    if replied and replied != u["id_str"]:
        interactions.append({"type": "interaction", "src": uid, "dst": f"tw:{replied}", "kind": "reply",
                             "at": post["at"], "post": post["id"]})
    for m in ent.get("user_mentions", []):
        if m["id_str"] not in (u["id_str"], replied):
            interactions.append({"type": "interaction", "src": uid, "dst": f"tw:{m['id_str']}", "kind": "mention",
                                 "at": post["at"], "post": post["id"]})
# The same tweets as the API gave them, one per line: what the demo imports (v1.1 importer).
with gzip.open("tests/data/demo/pheme-threads.jsonl.gz", "wt", encoding="utf-8") as out:
    for tid in sorted(tweets, key=int):
        out.write(json.dumps(tweets[tid], ensure_ascii=False, separators=(",", ":")) + "\n")
with gzip.open("tests/data/demo/pheme-sample.jsonl.gz", "wt", encoding="utf-8") as out:
    for a in accounts.values():
        out.write(json.dumps({k: v for k, v in a.items() if v is not None}, ensure_ascii=False) + "\n")
    for r in posts + interactions:
        out.write(json.dumps(r, ensure_ascii=False) + "\n")
print(len(chosen), "threads,", len(accounts), "accounts,", len(posts), "posts,", len(interactions), "interactions")
