"""End-of-turn policy: a pause that sounds complete is answered quickly, one that sounds
unfinished waits for more, new speech cancels the decision, nothing is answered before the
recogniser's text is in."""

from __future__ import annotations

from pipelines.voice.turn_taking import TurnTaking


def test_complete_sounding_pause_is_answered_after_the_short_wait() -> None:
    turn = TurnTaking(complete_wait_s=0.25, thinking_wait_s=2.0)
    turn.speech_started()
    turn.speech_stopped(10.0, sounds_complete=True)
    assert not turn.due(10.5)  # the transcript is not in yet
    turn.transcript("I have five years of Python.")
    assert not turn.due(10.2)
    assert turn.due(10.3)
    answer, stopped = turn.take()
    assert (answer, stopped) == ("I have five years of Python.", 10.0)
    assert turn.idle and not turn.due(20.0)


def test_unfinished_pause_waits_and_more_speech_joins_the_answer() -> None:
    turn = TurnTaking(complete_wait_s=0.25, thinking_wait_s=2.0)
    turn.speech_started()
    turn.speech_stopped(5.0, sounds_complete=False)
    turn.transcript("Well, I think that")
    assert not turn.due(6.5)  # thinking: keep listening
    turn.speech_started()  # the candidate goes on
    assert not turn.due(7.5)
    turn.speech_stopped(8.0, sounds_complete=True)
    turn.transcript("the index was missing.")
    assert turn.due(8.3)
    assert turn.take()[0] == "Well, I think that the index was missing."


def test_empty_transcripts_never_make_a_turn() -> None:
    turn = TurnTaking()
    turn.speech_started()
    turn.speech_stopped(1.0, sounds_complete=True)
    turn.transcript("   ")
    assert not turn.due(100.0)
    assert turn.idle
