"""Silero VAD (v5, the model Pipecat bundles) computed with numpy.

Why not onnxruntime: every interview actor runs its own VAD, and onnxruntime's library and
session cost each actor ~40 MB resident, which is what kept an actor over its 250 MB budget
(issue 4). The network is small (an STFT as a convolution, four 1-D convolutions, one LSTM
cell, a 1×1 convolution), ~1.3 M multiply-adds per 32 ms window, so numpy scores a window in
well under a millisecond. The weights are read from Pipecat's own `silero_vad.onnx`, and
tests/pipelines/voice/test_silero_model.py checks the result against onnxruntime running
that same file.

Per window (16 kHz; 8 kHz halves every audio size):
    64 samples of context + 512 new → reflect-pad 64 on the right → STFT (256-point frames,
    hop 128, 4 frames) → magnitude of 129 bins → conv 129→128 (k3) → conv 128→64 (k3, /2)
    → conv 64→64 (k3, /2) → conv 64→128 (k3) → LSTM cell (state carried) → ReLU → 1×1 conv
    → sigmoid → mean over time.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np

from pipelines.voice.onnx_constants import OnnxReadError, read_constants

HIDDEN = 128
# The model's two branches: `then` runs at 16 kHz, `else` at 8 kHz.
_BRANCH = {16_000: "If_0_then_branch__Inline_0__", 8_000: "If_0_else_branch__Inline_0__"}
_STRIDES = (1, 2, 2, 1)


def bundled_model_path() -> Path:
    """Pipecat's packaged Silero VAD model file."""
    return Path(str(resources.files("pipecat.audio.vad.data").joinpath("silero_vad.onnx")))


@dataclass(frozen=True)
class SileroWeights:
    """One sample rate's weights, shaped for matrix products."""

    sample_rate: int
    basis: np.ndarray  # (n_fft, 2 * bins): STFT frame → real and imaginary parts
    convs: tuple[tuple[np.ndarray, np.ndarray], ...]  # (out, in*3) weights and (out,) biases
    w_ih: np.ndarray  # (128, 512), transposed for x @ w
    w_hh: np.ndarray  # (128, 512)
    b_lstm: np.ndarray  # (512,)
    w_out: np.ndarray  # (128,)
    b_out: float

    @property
    def n_fft(self) -> int:
        return int(self.basis.shape[0])

    @property
    def window(self) -> int:
        """New samples per call: 512 at 16 kHz, 256 at 8 kHz."""
        return 32 * self.sample_rate // 1000

    @property
    def context(self) -> int:
        """Samples of the previous window prepended to each call."""
        return self.window // 8


def _weights(constants: dict[str, np.ndarray], sample_rate: int) -> SileroWeights:
    prefix = _BRANCH[sample_rate]

    def get(name: str) -> np.ndarray:
        try:
            return np.ascontiguousarray(constants[prefix + name], dtype=np.float32)
        except KeyError:
            raise OnnxReadError(f"the Silero model lacks {name} at {sample_rate} Hz") from None

    basis = get("stft.forward_basis_buffer")  # (2 * bins, 1, n_fft)
    convs = []
    for layer in range(4):
        weight = get(f"encoder.{layer}.reparam_conv.weight")  # (out, in, 3)
        convs.append(
            (weight.reshape(weight.shape[0], -1), get(f"encoder.{layer}.reparam_conv.bias"))
        )
    w_out = get("decoder.decoder.2.weight").reshape(-1)
    if basis.shape[0] // 2 != convs[0][0].shape[1] // 3 or w_out.shape != (HIDDEN,):
        raise OnnxReadError("the Silero model's layer shapes do not fit together")
    return SileroWeights(
        sample_rate=sample_rate,
        basis=np.ascontiguousarray(basis[:, 0, :].T),
        convs=tuple(convs),
        w_ih=np.ascontiguousarray(get("decoder.rnn.weight_ih").T),
        w_hh=np.ascontiguousarray(get("decoder.rnn.weight_hh").T),
        b_lstm=get("decoder.rnn.bias_ih") + get("decoder.rnn.bias_hh"),
        w_out=w_out,
        b_out=float(get("decoder.decoder.2.bias").reshape(-1)[0]),
    )


@cache
def load_weights(path: str, sample_rate: int) -> SileroWeights:
    """Weights for one sample rate, read once per process and shared by its analyzers."""
    if sample_rate not in _BRANCH:
        raise ValueError(f"Silero VAD runs at 8000 or 16000 Hz, not {sample_rate}")
    return _weights(read_constants(path), sample_rate)


def _conv3(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, stride: int) -> np.ndarray:
    """1-D convolution, kernel 3, padding 1: x is (channels, time) → (out, time')."""
    channels, length = x.shape
    padded = np.zeros((channels, length + 2), dtype=np.float32)
    padded[:, 1:-1] = x
    starts = range(0, length, stride)
    cols = np.stack([padded[:, s : s + 3].reshape(-1) for s in starts], axis=1)  # (in*3, T')
    return weight @ cols + bias[:, None]


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


class SileroModel:
    """The recurrent Silero VAD for one audio stream: call it with each new window."""

    def __init__(self, sample_rate: int = 16_000, path: str | Path | None = None) -> None:
        self.weights = load_weights(str(path or bundled_model_path()), sample_rate)
        self.reset_states()

    @property
    def sample_rate(self) -> int:
        return self.weights.sample_rate

    def reset_states(self) -> None:
        """Forget the recurrent state and the carried context (a fresh stream)."""
        self._h = np.zeros(HIDDEN, dtype=np.float32)
        self._c = np.zeros(HIDDEN, dtype=np.float32)
        self._context = np.zeros(self.weights.context, dtype=np.float32)

    def __call__(self, window: np.ndarray) -> float:
        """Speech probability (0-1) of one window of float samples in [-1, 1]."""
        w = self.weights
        samples = np.asarray(window, dtype=np.float32).reshape(-1)
        if samples.size != w.window:
            raise ValueError(
                f"Silero VAD takes {w.window} samples at {w.sample_rate} Hz, got {samples.size}"
            )
        x = np.concatenate((self._context, samples))
        self._context = x[-w.context :].copy()
        pad = w.n_fft // 4
        x = np.concatenate((x, x[-2 : -pad - 2 : -1]))  # reflect, edge sample not repeated
        hop = w.n_fft // 2
        frames = np.lib.stride_tricks.sliding_window_view(x, w.n_fft)[::hop]  # (T, n_fft)
        spectrum = frames @ w.basis  # (T, 2 * bins)
        bins = spectrum.shape[1] // 2
        features = np.sqrt(spectrum[:, :bins] ** 2 + spectrum[:, bins:] ** 2).T  # (bins, T)
        for (weight, bias), stride in zip(w.convs, _STRIDES, strict=True):
            features = np.maximum(_conv3(features, weight, bias, stride), 0.0)
        if features.shape[1] != 1:
            raise ValueError("the encoder must reduce a window to one step")
        # One LSTM cell step; PyTorch's gate order is input, forget, cell, output.
        gates = features[:, 0] @ w.w_ih + self._h @ w.w_hh + w.b_lstm
        i, f, g, o = np.split(gates, 4)
        self._c = (_sigmoid(f) * self._c + _sigmoid(i) * np.tanh(g)).astype(np.float32)
        self._h = (_sigmoid(o) * np.tanh(self._c)).astype(np.float32)
        return float(_sigmoid(np.maximum(self._h, 0.0) @ w.w_out + w.b_out))
