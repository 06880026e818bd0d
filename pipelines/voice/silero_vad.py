"""Pipecat's Silero VAD analyzer, scored by the numpy model in `silero_model`.

It plugs into Pipecat's `VADAnalyzer` (which turns per-window confidences into
quiet/starting/speaking/stopping with the pipeline's `VADParams`), so the pipeline behaves
as with Pipecat's own `SileroVADAnalyzer`, without onnxruntime in the process.

The recurrent state drifts during long non-speech (music, noise, minutes of silence) until
the model under-reports the speech that follows. As Pipecat does, the state is cleared every
couple of seconds of audio, but only while the candidate is quiet and the last several
windows were clearly not speech: clearing it mid-word would briefly drop the confidence and
could end a turn early.
"""

from __future__ import annotations

import logging

import numpy as np
from pipecat.audio.vad.vad_analyzer import VADAnalyzer, VADParams, VADState

from pipelines.voice.silero_model import SileroModel

log = logging.getLogger(__name__)
SUPPORTED_RATES = (8_000, 16_000)
RESET_AFTER_S = 2.0  # audio between state resets
RESET_BELOW = 0.1  # a window is "clearly not speech" under this confidence...
RESET_QUIET_WINDOWS = 5  # ...and this many in a row (160 ms at 16 kHz) allow a reset


def _check_rate(sample_rate: int) -> None:
    if sample_rate not in SUPPORTED_RATES:
        raise ValueError(f"Silero VAD runs at 8000 or 16000 Hz, not {sample_rate}")


class SileroVADAnalyzer(VADAnalyzer):
    """Silero VAD v5 in numpy; one instance per audio stream."""

    def __init__(self, *, sample_rate: int | None = None, params: VADParams | None = None):
        self._models: dict[int, SileroModel] = {}
        self._windows_since_reset = 0
        self._quiet_windows = 0
        if sample_rate is not None:
            _check_rate(sample_rate)
        super().__init__(sample_rate=sample_rate, params=params)

    def set_sample_rate(self, sample_rate: int) -> None:
        """Called by the pipeline at start; a rate given at construction takes precedence."""
        _check_rate(self._init_sample_rate or sample_rate)
        super().set_sample_rate(sample_rate)

    def num_frames_required(self) -> int:
        return 512 if self.sample_rate == 16_000 else 256

    def _model(self) -> SileroModel:
        model = self._models.get(self.sample_rate)
        if model is None:
            model = self._models[self.sample_rate] = SileroModel(self.sample_rate)
        return model

    def voice_confidence(self, buffer: bytes) -> float:
        """Speech probability of one window of 16-bit PCM (0 for a window it cannot score)."""
        samples = np.frombuffer(buffer, dtype="<i2").astype(np.float32) / 32768.0
        model = self._model()
        try:
            confidence = model(samples)
        except ValueError as exc:
            log.warning("vad_window_skipped", extra={"reason": str(exc)})
            return 0.0
        self._after_window(model, confidence)
        return confidence

    def _after_window(self, model: SileroModel, confidence: float) -> None:
        """Clear the model's state when a reset is due and the candidate is clearly quiet."""
        self._windows_since_reset += 1
        self._quiet_windows = self._quiet_windows + 1 if confidence < RESET_BELOW else 0
        due = self._windows_since_reset * self.num_frames_required() >= (
            RESET_AFTER_S * self.sample_rate
        )
        if due and self._vad_state == VADState.QUIET and self._quiet_windows >= RESET_QUIET_WINDOWS:
            model.reset_states()
            self._windows_since_reset = 0
