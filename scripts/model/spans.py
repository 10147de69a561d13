"""BIO labels: from character spans to token tags, back to spans, and per-label scores."""
LABELS = ["O", "B-PERSON", "I-PERSON", "B-LOCATION", "I-LOCATION"]
INDEX = {l: i for i, l in enumerate(LABELS)}


def token_labels(offsets, entities):
    tags = []
    for s, e in offsets:
        tag = "O"
        for ent in entities:
            if s < ent["end"] and ent["start"] < e:
                tag = ("B-" if s <= ent["start"] else "I-") + ent["type"]
                break
        tags.append(INDEX[tag])
    return tags


def decode(offsets, tags, continued=None):
    """Spans {type,start,end} as the sidecar decodes them: a word (a piece and its `##` continuations,
    `continued[i]` true for those) takes its first piece's tag; a B, or an I of a new type, opens; an I
    of the same type extends."""
    spans, cur = [], None
    for i, ((s, e), t) in enumerate(zip(offsets, tags)):
        if continued is not None and continued[i]:
            if cur is not None:
                cur["end"] = e
            continue
        label = LABELS[t]
        if label == "O":
            cur = None
            continue
        kind = label[2:]
        if label.startswith("I-") and cur is not None and cur["type"] == kind:
            cur["end"] = e
            continue
        cur = {"type": kind, "start": s, "end": e}
        spans.append(cur)
    return spans


def score(rows, preds):
    out = {}
    for kind in ("PERSON", "LOCATION"):
        tp = fp = fn = 0
        for r, p in zip(rows, preds):
            gold = {(e["start"], e["end"]) for e in r["entities"] if e["type"] == kind}
            got = {(e["start"], e["end"]) for e in p if e["type"] == kind}
            tp += len(gold & got)
            fp += len(got - gold)
            fn += len(gold - got)
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        out[kind] = {"precision": round(prec, 4), "recall": round(rec, 4), "f1": round(f1, 4), "support": tp + fn}
    return out
