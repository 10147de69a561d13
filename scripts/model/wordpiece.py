"""Cased WordPiece: vocabulary training (BPE-style merges) and a tokenizer that matches the
Hugging Face BertNormalizer(lowercase=False, strip_accents=False) + BertPreTokenizer + WordPiece
pipeline, returning character offsets. Writes tokenizer.json for transformers.js."""
import collections
import heapq
import json
import string
import unicodedata

SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
PREFIX = "##"
MAX_WORD = 100


def _is_control(ch):
    if ch in "\t\n\r":
        return False
    return unicodedata.category(ch) in ("Cc", "Cf")


def _is_whitespace(ch):
    return ch in " \t\n\r" or unicodedata.category(ch) == "Zs"


def _is_punct(ch):
    return ch in string.punctuation or unicodedata.category(ch).startswith("P")


def _is_cjk(cp):
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF
            or 0x2A700 <= cp <= 0x2B73F or 0x2B740 <= cp <= 0x2B81F or 0x2B820 <= cp <= 0x2CEAF
            or 0xF900 <= cp <= 0xFAFF or 0x2F800 <= cp <= 0x2FA1F)


def pre_tokenize(text):
    """Words as (string, start, end) in Python code-point offsets of the original text."""
    words, cur, start = [], [], 0
    for i, ch in enumerate(text):
        if ord(ch) == 0 or ch == "\ufffd" or _is_control(ch):
            continue
        if _is_whitespace(ch):
            if cur:
                words.append(("".join(cur), start, i))
                cur = []
            continue
        if _is_punct(ch) or _is_cjk(ord(ch)):
            if cur:
                words.append(("".join(cur), start, i))
                cur = []
            words.append((ch, i, i + 1))
            continue
        if not cur:
            start = i
        cur.append(ch)
    if cur:
        words.append(("".join(cur), start, len(text)))
    return words


class WordPiece:
    def __init__(self, vocab):
        self.vocab = vocab
        self.unk = vocab["[UNK]"]
        self._continued = {i for piece, i in vocab.items() if piece.startswith(PREFIX)}

    def continues(self, piece_id):
        """True for a `##` piece: it continues the word before it."""
        return piece_id in self._continued

    def word(self, w, start):
        """Token ids and (start, end) offsets for one pre-tokenized word."""
        if len(w) > MAX_WORD:
            return [self.unk], [(start, start + len(w))]
        ids, offs, i = [], [], 0
        while i < len(w):
            j = len(w)
            found = None
            while j > i:
                piece = w[i:j] if i == 0 else PREFIX + w[i:j]
                if piece in self.vocab:
                    found = self.vocab[piece]
                    break
                j -= 1
            if found is None:
                return [self.unk], [(start, start + len(w))]
            ids.append(found)
            offs.append((start + i, start + j))
            i = j
        return ids, offs

    def encode(self, text):
        ids, offs = [], []
        for w, s, _ in pre_tokenize(text):
            i, o = self.word(w, s)
            ids += i
            offs += o
        return ids, offs


def train_vocab(texts, size, min_freq=2):
    counts = collections.Counter(w for t in texts for w, _, _ in pre_tokenize(t))
    words = [w for w, c in counts.items() if c >= 1]
    freqs = [counts[w] for w in words]
    chars = collections.Counter()
    for w, f in zip(words, freqs):
        for k, ch in enumerate(w):
            chars[ch if k == 0 else PREFIX + ch] += f
    vocab = list(SPECIAL) + sorted(s for s, c in chars.items() if c >= min_freq)
    seen = set(vocab)
    # Symbols of each word, and an index from symbol pair to the words holding it.
    symbols = [[ch if k == 0 else PREFIX + ch for k, ch in enumerate(w)] for w in words]
    pairs = collections.Counter()
    where = collections.defaultdict(set)
    for wi, syms in enumerate(symbols):
        for a, b in zip(syms, syms[1:]):
            pairs[(a, b)] += freqs[wi]
            where[(a, b)].add(wi)
    heap = [(-c, p) for p, c in pairs.items()]
    heapq.heapify(heap)
    while len(vocab) < size and heap:
        negc, pair = heapq.heappop(heap)
        if pairs.get(pair, 0) != -negc:
            if pairs.get(pair, 0) > 0:
                heapq.heappush(heap, (-pairs[pair], pair))
            continue
        if -negc < min_freq:
            break
        a, b = pair
        merged = a + b[len(PREFIX):]
        if merged not in seen:
            vocab.append(merged)
            seen.add(merged)
        touched = collections.Counter()
        for wi in list(where[pair]):
            syms, f = symbols[wi], freqs[wi]
            for x, y in zip(syms, syms[1:]):
                pairs[(x, y)] -= f
                touched[(x, y)] += 0
                where[(x, y)].discard(wi)
            out, k = [], 0
            while k < len(syms):
                if k + 1 < len(syms) and syms[k] == a and syms[k + 1] == b:
                    out.append(merged)
                    k += 2
                else:
                    out.append(syms[k])
                    k += 1
            symbols[wi] = out
            for x, y in zip(out, out[1:]):
                pairs[(x, y)] += f
                touched[(x, y)] += 0
                where[(x, y)].add(wi)
        for p in touched:
            if pairs[p] > 0:
                heapq.heappush(heap, (-pairs[p], p))
    return {tok: i for i, tok in enumerate(vocab)}


def tokenizer_json(vocab):
    special = {t: vocab[t] for t in SPECIAL}
    cls, sep = "[CLS]", "[SEP]"
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [
            {"id": i, "content": t, "single_word": False, "lstrip": False, "rstrip": False,
             "normalized": False, "special": True}
            for t, i in special.items()
        ],
        "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True,
                       "strip_accents": False, "lowercase": False},
        "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": cls, "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                       {"SpecialToken": {"id": sep, "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": cls, "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                     {"SpecialToken": {"id": sep, "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}},
                     {"SpecialToken": {"id": sep, "type_id": 1}}],
            "special_tokens": {t: {"id": t, "ids": [vocab[t]], "tokens": [t]} for t in (cls, sep)},
        },
        "decoder": {"type": "WordPiece", "prefix": PREFIX, "cleanup": True},
        "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": PREFIX,
                  "max_input_chars_per_word": MAX_WORD, "vocab": vocab},
    }


def tokenizer_config(max_length):
    return {
        "tokenizer_class": "BertTokenizer",
        "do_lower_case": False,
        "strip_accents": False,
        "tokenize_chinese_chars": True,
        "model_max_length": max_length,
        "cls_token": "[CLS]", "sep_token": "[SEP]", "pad_token": "[PAD]", "unk_token": "[UNK]", "mask_token": "[MASK]",
        "clean_up_tokenization_spaces": True,
    }


def save(vocab, folder, max_length):
    with open(f"{folder}/tokenizer.json", "w", encoding="utf-8") as f:
        json.dump(tokenizer_json(vocab), f, ensure_ascii=False)
    with open(f"{folder}/tokenizer_config.json", "w", encoding="utf-8") as f:
        json.dump(tokenizer_config(max_length), f, indent=2)
    with open(f"{folder}/special_tokens_map.json", "w", encoding="utf-8") as f:
        json.dump({"cls_token": "[CLS]", "sep_token": "[SEP]", "pad_token": "[PAD]", "unk_token": "[UNK]",
                   "mask_token": "[MASK]"}, f, indent=2)
