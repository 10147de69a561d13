"""Exports the trained tagger to ONNX (opset 14, dynamic batch and sequence axes), then writes the
int8 model transformers.js loads as onnx/model_quantized.onnx.
  /usr/bin/python3 scripts/model/export.py --work scripts/model/.work --out sidecar/models/leakwatch-ner"""
import argparse
import os

import onnx
import torch

from bert import BertTagger
from quantize import quantize


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", default="scripts/model/.work")
    ap.add_argument("--out", default="sidecar/models/leakwatch-ner")
    args = ap.parse_args()
    ckpt = torch.load(f"{args.work}/model.pt")
    model = BertTagger(**ckpt["hparams"])
    model.load_state_dict(ckpt["state"])
    model.eval()
    ids = torch.tensor([[2, 10, 11, 12, 3], [2, 13, 14, 3, 0]])
    mask = (ids != 0).long()
    fp32 = f"{args.work}/model.onnx"
    torch.onnx.export(
        model, (ids, mask, torch.zeros_like(ids)), fp32, opset_version=14,
        input_names=["input_ids", "attention_mask", "token_type_ids"], output_names=["logits"],
        dynamic_axes={n: {0: "batch_size", 1: "sequence_length"}
                      for n in ("input_ids", "attention_mask", "token_type_ids", "logits")})
    onnx.checker.check_model(onnx.load(fp32))
    os.makedirs(f"{args.out}/onnx", exist_ok=True)
    target = f"{args.out}/onnx/model_quantized.onnx"
    quantize(fp32, target)
    print(f"fp32 {os.path.getsize(fp32) / 1e6:.1f} MB -> int8 {os.path.getsize(target) / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
