#!/usr/bin/env python3
"""Cut the two small independent check sets in data/ out of public MIT-licensed data.

Usage: scripts/independent_sets.py SPLINK_DATASETS_DIR OPENSANCTIONS_FIXTURES_DIR

- SPLINK_DATASETS_DIR holds `historical_figures_with_errors_50k.csv` exported from
  moj-analytical-services/splink_datasets (MIT): real people (Wikidata) with injected errors.
- OPENSANCTIONS_FIXTURES_DIR holds `negatives_us.csv` from opensanctions/yente
  contrib/candidate_generation_benchmark/fixtures (MIT): synthetic US-style people.

Writes data/splink-historical-pairs.csv: 3,000 people (clusters) picked by a fixed seed; for
half of them two different records (one goes into the registry, the other is the visitor),
for the other half one record (a visitor who is not registered). And
data/opensanctions-negatives-us-2000.csv: the first 2,000 negatives, as published.
Vestibule never tunes to these: they are only read by `vestibule registry bench`.
"""
import csv, random, sys, collections, os

splink, sanctions = sys.argv[1], sys.argv[2]
out = os.path.join(os.path.dirname(__file__), "..", "data")
rows = list(csv.DictReader(open(os.path.join(splink, "historical_figures_with_errors_50k.csv"))))
clusters = collections.defaultdict(list)
for r in rows:
    clusters[r["cluster"]].append(r)
rng = random.Random(19)
ids = sorted(c for c, v in clusters.items() if len(v) >= 2)
rng.shuffle(ids)
with open(os.path.join(out, "splink-historical-pairs.csv"), "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["person", "role", "first_name", "surname", "dob", "gender"])
    for n, c in enumerate(ids[:3000]):
        a, b = rng.sample(clusters[c], 2)
        if n % 2 == 0:
            w.writerow([c, "registry", a["first_name"], a["surname"], a["dob"], a["gender"]])
        w.writerow([c, "visitor", b["first_name"], b["surname"], b["dob"], b["gender"]])
with open(os.path.join(sanctions, "negatives_us.csv")) as f, open(
    os.path.join(out, "opensanctions-negatives-us-2000.csv"), "w"
) as g:
    for i, line in enumerate(f):
        if i > 2000:
            break
        g.write(line)
