"""The live voice interview: Pipecat pipeline (VAD → STT → interviewer → TTS) over WebRTC."""
