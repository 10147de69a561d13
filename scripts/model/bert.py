"""A small BERT token classifier whose ONNX graph matches what transformers.js expects of
BertForTokenClassification: inputs input_ids, attention_mask, token_type_ids; output logits."""
import math

import torch
from torch import nn


class Layer(nn.Module):
    def __init__(self, hidden, heads, inner, dropout):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(hidden, 3 * hidden)
        self.out = nn.Linear(hidden, hidden)
        self.ln1 = nn.LayerNorm(hidden, eps=1e-12)
        self.up = nn.Linear(hidden, inner)
        self.down = nn.Linear(inner, hidden)
        self.ln2 = nn.LayerNorm(hidden, eps=1e-12)
        self.drop = nn.Dropout(dropout)

    def forward(self, x, bias):
        b, t, h = x.shape
        d = h // self.heads
        q, k, v = self.qkv(x).view(b, t, 3, self.heads, d).permute(2, 0, 3, 1, 4)
        att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(d) + bias, dim=-1)
        ctx = (self.drop(att) @ v).transpose(1, 2).reshape(b, t, h)
        x = self.ln1(x + self.drop(self.out(ctx)))
        return self.ln2(x + self.drop(self.down(nn.functional.gelu(self.up(x)))))


class BertTagger(nn.Module):
    def __init__(self, vocab, labels, hidden=256, layers=2, heads=4, inner=1024, positions=128, dropout=0.1):
        super().__init__()
        self.hparams = dict(vocab=vocab, labels=labels, hidden=hidden, layers=layers, heads=heads, inner=inner,
                            positions=positions, dropout=dropout)
        self.words = nn.Embedding(vocab, hidden, padding_idx=0)
        self.positions = nn.Embedding(positions, hidden)
        self.types = nn.Embedding(2, hidden)
        self.ln = nn.LayerNorm(hidden, eps=1e-12)
        self.drop = nn.Dropout(dropout)
        self.layers = nn.ModuleList(Layer(hidden, heads, inner, dropout) for _ in range(layers))
        self.classifier = nn.Linear(hidden, labels)
        self.apply(self._init)

    @staticmethod
    def _init(m):
        if isinstance(m, (nn.Linear, nn.Embedding)):
            nn.init.normal_(m.weight, std=0.02)
        if isinstance(m, nn.Linear) and m.bias is not None:
            nn.init.zeros_(m.bias)

    def forward(self, input_ids, attention_mask, token_type_ids):
        t = input_ids.shape[1]
        pos = torch.arange(t, device=input_ids.device).unsqueeze(0)
        x = self.drop(self.ln(self.words(input_ids) + self.positions(pos) + self.types(token_type_ids)))
        bias = (1.0 - attention_mask[:, None, None, :].to(x.dtype)) * -10000.0
        for layer in self.layers:
            x = layer(x, bias)
        return self.classifier(self.drop(x))

    def config(self, id2label):
        p = self.hparams
        return {
            "model_type": "bert",
            "architectures": ["BertForTokenClassification"],
            "vocab_size": p["vocab"],
            "hidden_size": p["hidden"],
            "num_hidden_layers": p["layers"],
            "num_attention_heads": p["heads"],
            "intermediate_size": p["inner"],
            "max_position_embeddings": p["positions"],
            "type_vocab_size": 2,
            "hidden_act": "gelu",
            "hidden_dropout_prob": p["dropout"],
            "attention_probs_dropout_prob": p["dropout"],
            "layer_norm_eps": 1e-12,
            "pad_token_id": 0,
            "id2label": {str(i): l for i, l in enumerate(id2label)},
            "label2id": {l: i for i, l in enumerate(id2label)},
        }
