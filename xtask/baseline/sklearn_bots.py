"""The reference beside `socialset eval bots`, run by `cargo xtask eval-audit`: a scikit-learn
random forest (500 trees) on the raw numeric columns of the Gilani et al. (2017) files, scored
on the folds socialset used.

usage: python sklearn_bots.py DATA_DIR FOLDS_CSV
FOLDS_CSV: as `socialset eval bots --folds-out` writes it: a header, then band,bot,account,fold
lines, one per account socialset read (bad rows it skipped are absent and skipped here too).
Prints one JSON object.
"""
import csv
import json
import sys
from collections import defaultdict, deque

import numpy as np
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import brier_score_loss, f1_score, precision_score, recall_score, roc_auc_score

RAW = ["user_tweeted", "user_retweeted", "user_favourited", "user_replied", "likes_per_tweet",
       "retweets_per_tweet", "lists_per_user", "follower_friend_ratio", "tweet_frequency",
       "favourite_tweet_ratio", "age_of_account_in_days", "sources_count", "urls_count",
       "cdn_content_in_kb"]
BANDS = ["1k", "100k", "1M", "10M"]


def main(data_dir, folds_csv):
    folds = defaultdict(deque)
    with open(folds_csv) as fh:
        rows = csv.reader(fh)
        next(rows)  # the header
        for band, bot, name, fold in rows:
            folds[(band, bot == "1", name)].append(int(fold))
    X, y, band_of, fold_of = [], [], [], []
    for folder, bot in (("bots", True), ("humans", False)):
        for band in BANDS:
            with open(f"{data_dir}/{folder}/{folder}.{band}.csv") as fh:
                reader = csv.reader(fh)
                header = [h.strip() for h in next(reader)]
                for line in reader:
                    row = dict(zip(header, (v.strip() for v in line)))
                    key = (band, bot, row["screen_name"])
                    if not folds[key]:
                        continue
                    fold_of.append(folds[key].popleft())
                    X.append([float(row[c]) for c in RAW])
                    y.append(1 if bot else 0)
                    band_of.append(band)
    X, y, band_of, fold_of = np.array(X), np.array(y), np.array(band_of), np.array(fold_of)
    forest = lambda: RandomForestClassifier(n_estimators=500, random_state=42, n_jobs=-1)
    p = np.zeros(len(y))
    for f in sorted(set(fold_of)):
        train, test = fold_of != f, fold_of == f
        p[test] = forest().fit(X[train], y[train]).predict_proba(X[test])[:, 1]

    def scores(mask, probs):
        yy = y[mask]
        pred = probs >= 0.5
        return {
            "accounts": int(mask.sum()), "bots": int(yy.sum()),
            "auc": float(roc_auc_score(yy, probs)) if 0 < yy.sum() < len(yy) else None,
            "f1": float(f1_score(yy, pred, zero_division=0)),
            "precision": float(precision_score(yy, pred, zero_division=0)),
            "recall": float(recall_score(yy, pred, zero_division=0)),
            "brier": float(brier_score_loss(yy, probs)),
        }

    everyone = np.ones(len(y), dtype=bool)
    small = band_of == BANDS[0]
    cross = forest().fit(X[~small], y[~small]).predict_proba(X[small])[:, 1]
    import sklearn
    print(json.dumps({
        "method": f"scikit-learn {sklearn.__version__} RandomForestClassifier(500) on the raw columns",
        "overall": scores(everyone, p),
        "per_band": {b: scores(band_of == b, p[band_of == b]) for b in BANDS},
        "cross_band": scores(small, cross),
    }))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
