"""The reference VADER (vaderSentiment from PyPI) on texts read as JSON lines from stdin:
prints one compound score per line, in order. Run by `cargo xtask eval-vader`, which hands
the scores to `socialset eval vader --reference`."""
import json
import sys

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

analyzer = SentimentIntensityAnalyzer()
for line in sys.stdin:
    print(analyzer.polarity_scores(json.loads(line))["compound"])
