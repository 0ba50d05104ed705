"""Sentence embeddings from all-MiniLM-L6-v2, computed with numpy.

Bag-of-words features only know the words of the training examples; patients use
others ("spine fluid" for cerebrospinal fluid, "the drug that targets ALK").
A sentence-embedding model places paraphrases near each other, so the classifier
can recognise questions worded unlike any example.

The weights are the published sentence-transformers/all-MiniLM-L6-v2 model, taken
by scripts/setup from a PyPI package and checked against the model's published
SHA-256 (nothing is downloaded at run time). PyTorch is not needed: the model is
a 6-layer BERT, small enough to run here in numpy (a few milliseconds a message).
"""
import functools
import hashlib
import json
import sys
import unicodedata
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

import numpy as np
from safetensors.numpy import load_file

MODEL_NAME = "all-MiniLM-L6-v2"
# Where scripts/setup puts the model: inside the virtual environment, so every
# checkout or temporary copy of the project that uses this .venv finds it.
DEFAULT_MODEL_DIR = Path(sys.prefix) / "share" / MODEL_NAME
MAX_TOKENS = 256  # the model's max_seq_length; longer messages are cut here


class ModelMissing(RuntimeError):
    pass


def _is_punctuation(char: str) -> bool:
    code = ord(char)
    if 33 <= code <= 47 or 58 <= code <= 64 or 91 <= code <= 96 or 123 <= code <= 126:
        return True
    return unicodedata.category(char).startswith("P")


class WordPieceTokenizer:
    """BERT's uncased tokenizer: lower-case, strip accents, split punctuation, WordPiece."""

    def __init__(self, vocab: Dict[str, int]):
        self.vocab = vocab
        self.unk, self.cls, self.sep = vocab["[UNK]"], vocab["[CLS]"], vocab["[SEP]"]

    def basic_tokens(self, text: str) -> List[str]:
        text = unicodedata.normalize("NFD", text.lower())
        cleaned = []
        for char in text:
            if unicodedata.category(char) == "Mn" or ord(char) == 0 or unicodedata.category(char) == "Cc" and not char.isspace():
                continue
            if _is_punctuation(char) or 0x4E00 <= ord(char) <= 0x9FFF:
                cleaned.append(f" {char} ")
            else:
                cleaned.append(" " if char.isspace() else char)
        return "".join(cleaned).split()

    def word_pieces(self, word: str) -> List[int]:
        if len(word) > 100:
            return [self.unk]
        pieces, start = [], 0
        while start < len(word):
            end = len(word)
            while end > start:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                if piece in self.vocab:
                    pieces.append(self.vocab[piece])
                    break
                end -= 1
            else:
                return [self.unk]
            start = end
        return pieces

    def encode_words(self, words: Sequence[str]) -> Tuple[List[int], List[int]]:
        """Token ids for a list of words, and for each token the index of its word."""
        ids, owners = [], []
        for index, word in enumerate(words):
            for token in self.basic_tokens(word):
                for piece in self.word_pieces(token):
                    ids.append(piece)
                    owners.append(index)
        return ids[: MAX_TOKENS - 2], owners[: MAX_TOKENS - 2]


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + 1e-12) * weight + bias


def _gelu(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1.0 + np.tanh(0.7978845608 * (x + 0.044715 * x ** 3)))


class SentenceEncoder:
    def __init__(self, model_dir: Path = DEFAULT_MODEL_DIR):
        model_dir = Path(model_dir)
        weights_file = model_dir / "model.safetensors"
        if not weights_file.exists():
            raise ModelMissing(
                f"The sentence model is missing from {model_dir}. Run scripts/setup, which installs it."
            )
        config = json.loads((model_dir / "config.json").read_text())
        self.heads = config["num_attention_heads"]
        self.layers = config["num_hidden_layers"]
        self.w = load_file(str(weights_file))
        vocab = json.loads((model_dir / "tokenizer.json").read_text(encoding="utf-8"))["model"]["vocab"]
        self.tokenizer = WordPieceTokenizer(vocab)
        self.dimension = config["hidden_size"]

    def _encoder(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Contextual token vectors, shape (batch, tokens, hidden)."""
        w, p = self.w, "embeddings."
        batch, length = ids.shape
        x = (w[p + "word_embeddings.weight"][ids]
             + w[p + "position_embeddings.weight"][:length][None]
             + w[p + "token_type_embeddings.weight"][0])
        x = _layer_norm(x, w[p + "LayerNorm.weight"], w[p + "LayerNorm.bias"])
        head_size = x.shape[-1] // self.heads
        blocked = (1.0 - mask[:, None, None, :]) * -1e9

        def split(t):
            return t.reshape(batch, length, self.heads, head_size).transpose(0, 2, 1, 3)

        for layer in range(self.layers):
            p = f"encoder.layer.{layer}."
            def dense(name, t):
                # One 2-D matrix product for the whole batch: about twice as fast as a 3-D one.
                flat = t.reshape(-1, t.shape[-1]) @ w[p + name + ".weight"].T
                return flat.reshape(batch, length, -1) + w[p + name + ".bias"]
            q = split(dense("attention.self.query", x))
            k = split(dense("attention.self.key", x))
            v = split(dense("attention.self.value", x))
            scores = q @ k.transpose(0, 1, 3, 2) / np.sqrt(head_size) + blocked
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            attention = scores / scores.sum(-1, keepdims=True)
            context = (attention @ v).transpose(0, 2, 1, 3).reshape(batch, length, -1)
            x = _layer_norm(x + dense("attention.output.dense", context),
                            w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"])
            hidden = _gelu(dense("intermediate.dense", x))
            x = _layer_norm(x + dense("output.dense", hidden),
                            w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"])
        return x

    def encode_words(self, texts: Sequence[Sequence[str]], batch_size: int = 32) -> List[Tuple[np.ndarray, np.ndarray]]:
        """For each text (a list of words): its sentence vector (mean-pooled and
        normalised, as sentence-transformers does) and one vector per word (the
        mean of its word pieces; zeros for a word with none, such as an emoji).
        Texts of similar length are run together in batches, for speed."""
        encoded = [self.tokenizer.encode_words(words) for words in texts]
        order = sorted(range(len(texts)), key=lambda i: len(encoded[i][0]))
        results: List[Tuple[np.ndarray, np.ndarray]] = [None] * len(texts)  # type: ignore
        for start in range(0, len(order), batch_size):
            batch = order[start : start + batch_size]
            length = max(len(encoded[i][0]) for i in batch) + 2
            ids = np.zeros((len(batch), length), dtype=np.int64)
            mask = np.zeros((len(batch), length), dtype=np.float32)
            for row, i in enumerate(batch):
                tokens = [self.tokenizer.cls, *encoded[i][0], self.tokenizer.sep]
                ids[row, : len(tokens)], mask[row, : len(tokens)] = tokens, 1.0
            vectors = self._encoder(ids, mask)
            for row, i in enumerate(batch):
                results[i] = self._pool(vectors[row], encoded[i][1], len(texts[i]))
        return results

    def _pool(self, vectors: np.ndarray, owners: List[int], words: int) -> Tuple[np.ndarray, np.ndarray]:
        used = vectors[: len(owners) + 2]  # [CLS], the word pieces, [SEP]; not the padding
        sentence = used.mean(0)
        sentence /= max(float(np.linalg.norm(sentence)), 1e-12)
        per_word = np.zeros((words, self.dimension), dtype=np.float32)
        counts = np.zeros(words, dtype=np.float32)
        for vector, owner in zip(used[1:-1], owners):
            per_word[owner] += vector
            counts[owner] += 1
        per_word /= np.maximum(counts, 1)[:, None]
        return sentence.astype(np.float32), per_word

    def encode(self, text: str) -> np.ndarray:
        return self.encode_words([text.split()])[0][0]


@functools.lru_cache(maxsize=2)
def load_encoder(model_dir: str = str(DEFAULT_MODEL_DIR)) -> SentenceEncoder:
    return SentenceEncoder(Path(model_dir))


def encoder_fingerprint(model_dir: str = str(DEFAULT_MODEL_DIR)) -> str:
    """What the sentence vectors depend on: this module's code and the model's files.

    The featurizer adds it to Rasa's training fingerprint (and ops/training.py to the
    model's name), so new code or weights recompute the features and retrain the
    classifier instead of reusing one trained on other vectors.
    """
    digest = hashlib.sha256(Path(__file__).read_bytes())
    for name in ("config.json", "tokenizer.json", "model.safetensors"):
        path = Path(model_dir) / name
        stat = path.stat() if path.exists() else None
        digest.update(name.encode())
        digest.update(_file_hash(str(path), stat.st_size, stat.st_mtime_ns) if stat else b"missing")
    return digest.hexdigest()


@functools.lru_cache(maxsize=8)
def _file_hash(path: str, size: int, mtime_ns: int) -> bytes:
    """A file's SHA-256, remembered while its size and modification time stay the same."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.digest()
