"""Trains the cased WordPiece vocabulary and the BERT token classifier on the generated corpus,
then scores the dev split per label (exact character spans).
  /usr/bin/python3 scripts/model/train.py --work scripts/model/.work --out sidecar/models/leakwatch-ner"""
import argparse
import json
import os
import random
import time

import torch

import wordpiece as wp
from bert import BertTagger
from spans import LABELS, decode, score, token_labels


def read(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def windows(ids, tags, size):
    """Records longer than the model's window are cut into consecutive windows."""
    for i in range(0, max(len(ids), 1), size):
        yield ids[i:i + size], tags[i:i + size]


def encode(rows, tok, size):
    out = []
    for r in rows:
        ids, offs = tok.encode(r["text"])
        tags = token_labels(offs, r["entities"])
        for w_ids, w_tags in windows(ids, tags, size):
            out.append(([tok.vocab["[CLS]"]] + w_ids + [tok.vocab["[SEP]"]], [-100] + w_tags + [-100]))
    return out


def batches(data, size, rng):
    order = sorted(range(len(data)), key=lambda i: (len(data[i][0]), rng.random()))
    chunks = [order[i:i + size] for i in range(0, len(order), size)]
    rng.shuffle(chunks)
    return chunks


def collate(data, idx):
    t = max(len(data[i][0]) for i in idx)
    ids = torch.zeros(len(idx), t, dtype=torch.long)
    tags = torch.full((len(idx), t), -100, dtype=torch.long)
    mask = torch.zeros(len(idx), t, dtype=torch.long)
    for row, i in enumerate(idx):
        a, b = data[i]
        ids[row, :len(a)] = torch.tensor(a)
        tags[row, :len(b)] = torch.tensor(b)
        mask[row, :len(a)] = 1
    return ids, mask, tags


def predict(model, tok, rows, size):
    model.eval()
    preds = []
    with torch.no_grad():
        for r in rows:
            ids, offs = tok.encode(r["text"])
            spans = []
            for start in range(0, max(len(ids), 1), size):
                w = [tok.vocab["[CLS]"]] + ids[start:start + size] + [tok.vocab["[SEP]"]]
                x = torch.tensor([w])
                logits = model(x, torch.ones_like(x), torch.zeros_like(x))[0, 1:-1]
                continued = [tok.continues(i) for i in ids[start:start + size]]
                spans += decode(offs[start:start + size], logits.argmax(-1).tolist(), continued)
            preds.append(spans)
    return preds


def progress(model, tok, dev, train, window, step):
    """Exact-span F1 on a few dev and training records: a gap between them is over-fitting, two low
    figures are under-training."""
    d, t = score(dev, predict(model, tok, dev, window)), score(train, predict(model, tok, train, window))
    print(f"step {step} exact F1 dev PERSON {d['PERSON']['f1']:.3f} LOCATION {d['LOCATION']['f1']:.3f} | "
          f"train PERSON {t['PERSON']['f1']:.3f} LOCATION {t['LOCATION']['f1']:.3f}", flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", default="scripts/model/.work")
    ap.add_argument("--out", default="sidecar/models/leakwatch-ner")
    ap.add_argument("--seed", type=int, default=20261123)
    ap.add_argument("--vocab", type=int, default=8000)
    ap.add_argument("--layers", type=int, default=2)
    ap.add_argument("--hidden", type=int, default=256)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--inner", type=int, default=0, help="feed-forward width (default 4 x hidden)")
    ap.add_argument("--positions", type=int, default=128)
    ap.add_argument("--steps", type=int, default=720)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--threads", type=int, default=1,
                    help="torch threads; at this size one trains faster than two (0.15 s a step against 0.19-0.21)")
    ap.add_argument("--noise", type=float, default=0.15,
                    help="share of outside-entity pieces replaced by random ones in training batches")
    ap.add_argument("--eval-every", type=int, default=1000, help="score 300 dev and 300 training records every N steps")
    ap.add_argument("--resume", action="store_true", help="continue from WORK/model.pt with OUT's vocabulary")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    os.makedirs(args.out, exist_ok=True)

    train_rows, dev_rows = read(f"{args.work}/train.jsonl"), read(f"{args.work}/dev.jsonl")
    began = time.time()
    if args.resume:
        with open(f"{args.out}/tokenizer.json", encoding="utf-8") as f:
            vocab = json.load(f)["model"]["vocab"]
    else:
        vocab = wp.train_vocab([r["text"] for r in train_rows], args.vocab)
        wp.save(vocab, args.out, args.positions)
    tok = wp.WordPiece(vocab)
    window = args.positions - 2
    data = encode(train_rows, tok, window)
    print(f"vocab {len(vocab)}, {len(data)} training windows, {time.time() - began:.0f}s", flush=True)

    model = BertTagger(len(vocab), len(LABELS), hidden=args.hidden, layers=args.layers, heads=args.heads,
                       inner=args.inner or 4 * args.hidden, positions=args.positions)
    if args.resume:
        model.load_state_dict(torch.load(f"{args.work}/model.pt")["state"])
        rng.seed(args.seed + 1)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    warmup = max(1, args.steps // 15)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warmup, max(0.0, (args.steps - s) / (args.steps - warmup))))
    loss_fn = torch.nn.CrossEntropyLoss(ignore_index=-100)
    step, t0, queue = 0, time.time(), []
    model.train()
    while step < args.steps:
        if not queue:
            queue = batches(data, args.batch, rng)
        ids, mask, tags = collate(data, queue.pop())
        if args.noise > 0:
            # Context is a hint, not the answer: random pieces around the entities keep the tagger
            # from learning a few templates' phrasing instead of what names and places look like.
            swap = (tags == 0) & (torch.rand(ids.shape) < args.noise)
            ids = torch.where(swap, torch.randint(len(wp.SPECIAL), len(vocab), ids.shape), ids)
        logits = model(ids, mask, torch.zeros_like(ids))
        loss = loss_fn(logits.reshape(-1, len(LABELS)), tags.reshape(-1))
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        step += 1
        if step % 200 == 0:
            print(f"step {step}/{args.steps} loss {loss.item():.4f} {time.time() - t0:.0f}s", flush=True)
        if args.eval_every and step % args.eval_every == 0 and step < args.steps:
            progress(model, tok, dev_rows[:300], train_rows[:300], window, step)
            torch.save({"hparams": model.hparams, "state": model.state_dict()}, f"{args.work}/model.pt")
            model.train()
    train_seconds = time.time() - t0

    quick = dev_rows[:1000]
    metrics = score(quick, predict(model, tok, quick, window))
    metrics.update(train_seconds=round(train_seconds), steps=args.steps, batch=args.batch,
                   windows=len(data), params=sum(p.numel() for p in model.parameters()), **{
                       k: getattr(args, k) for k in ("layers", "hidden", "heads", "positions", "vocab", "seed")})
    print(json.dumps(metrics, indent=2), flush=True)
    with open(f"{args.work}/train-metrics.json", "w") as f:
        json.dump(metrics, f, indent=2)
    with open(f"{args.out}/config.json", "w") as f:
        json.dump(model.config(LABELS), f, indent=2)
    torch.save({"hparams": model.hparams, "state": model.state_dict()}, f"{args.work}/model.pt")


if __name__ == "__main__":
    main()
