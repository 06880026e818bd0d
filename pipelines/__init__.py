"""Inputs to AI outputs: engines, the voice pipeline, the interviewer brain, parsing, scoring."""
