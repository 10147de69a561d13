#!/usr/bin/env bash
# Rebuilds sidecar/models/leakwatch-ner from nothing but a seed: generates the corpus, trains the
# WordPiece vocabulary and the tagger, exports and quantizes to ONNX, and scores the int8 model.
# Needs Debian's python3-torch, python3-onnx, python3-numpy and libopenblas0-pthread, the real sentences of
# fortunes, fortunes-de, fortunes-es, fortunes-it, manpages-de, manpages-fr, manpages-es, manpages-it, manpages-nl,
# the documentation of debian-reference-en, -de, -fr, -es, -it, maint-guide-de, -fr, -es, -it, developers-reference,
# -de, -fr, -it, debian-faq, debian-faq-de, -fr, -it, -nl, aptitude-doc-nl, debian-edu-doc-nl (not for NARROW=1),
# and the word lists of wamerican, wngerman, wfrench, wspanish, witalian, wdutch.
#   bash scripts/model/build.sh   (SEED, STEPS, TRAIN_RECORDS, LAYERS, HIDDEN, INNER, THREADS, PYTHON override the defaults;
#   OUT=<dir> trains into another directory, WORK=<dir> keeps the corpus elsewhere; the shipped weights train on the
#   broader corpus of `generate.ts --broad`; NARROW=1 trains on the earlier corpus without it, see the model card)
# One thread trains faster than two at this size, and two runs on one corpus gave identical weights.
set -euo pipefail
cd "$(dirname "$0")/../.."
SEED="${SEED:-20261123}"
PYTHON="${PYTHON:-/usr/bin/python3}"
WORK="${WORK:-scripts/model/.work}"
OUT="${OUT:-sidecar/models/leakwatch-ner}"

CORPUS=(--broad)
if [ -n "${NARROW:-}" ]; then CORPUS=(); fi

npx tsx scripts/model/data/generate.ts --seed "$SEED" --train "${TRAIN_RECORDS:-60000}" --dev 3000 --out "$WORK" "${CORPUS[@]}"
"$PYTHON" scripts/model/train.py --seed "$SEED" --work "$WORK" --out "$OUT" \
  --steps "${STEPS:-8000}" --layers "${LAYERS:-2}" --hidden "${HIDDEN:-256}" --inner "${INNER:-512}" --threads "${THREADS:-1}"
"$PYTHON" scripts/model/export.py --work "$WORK" --out "$OUT"
npx tsx scripts/model/eval/evaluate.ts --work "$WORK" --model "$OUT"
