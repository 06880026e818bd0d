"""End-of-turn policy: a pause that sounds complete is answered quickly, one that sounds
unfinished waits for more, new speech cancels the decision, nothing is answered before the
recogniser's text is in."""

from __future__ import annotations

from pipelines.voice.turn_taking import TurnTaking, text_sounds_complete


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


def test_a_finished_sentence_is_answered_even_when_the_model_hears_it_unfinished() -> None:
    turn = TurnTaking(complete_wait_s=0.25, thinking_wait_s=2.0)
    turn.speech_started()
    turn.speech_stopped(3.0, sounds_complete=False)
    assert turn.deadline == 5.0  # provisional: the model's verdict until the text is in
    turn.transcript("At my last job I built REST APIs with FastAPI and Docker.")
    assert turn.due(3.3)


def test_a_dangling_word_waits_even_when_the_model_hears_it_finished() -> None:
    turn = TurnTaking(complete_wait_s=0.25, thinking_wait_s=2.0)
    turn.speech_started()
    turn.speech_stopped(3.0, sounds_complete=True)
    turn.transcript("I led a team of four engineers and")
    assert not turn.due(4.9)
    assert turn.due(5.0)


def test_the_model_decides_when_the_text_cannot_tell() -> None:
    for sounds_complete, due_at in ((True, 1.25), (False, 3.0)):
        turn = TurnTaking(complete_wait_s=0.25, thinking_wait_s=2.0)
        turn.speech_started()
        turn.speech_stopped(1.0, sounds_complete=sounds_complete)
        turn.transcript("seven years of Python")  # no punctuation, no dangling word
        assert not turn.due(due_at - 0.01)
        assert turn.due(due_at)


def test_every_segment_transcript_is_awaited_until_a_timeout() -> None:
    turn = TurnTaking(complete_wait_s=0.25, thinking_wait_s=2.0, transcript_timeout_s=3.0)
    turn.speech_started()
    turn.speech_stopped(1.0, sounds_complete=False)
    turn.speech_started()  # more speech before the first segment's text came back
    turn.speech_stopped(2.0, sounds_complete=True)
    turn.transcript("I have five years of Python.")
    assert not turn.due(2.5)  # the second segment's text is still out
    assert turn.due(5.0)  # ...but a recogniser that never answers does not stall the turn
    turn.give_up_waiting(5.0)
    assert turn.pending_transcripts == 0


def test_a_noise_segment_releases_the_wait_without_words() -> None:
    turn = TurnTaking(complete_wait_s=0.25, thinking_wait_s=2.0)
    turn.speech_started()
    turn.speech_stopped(1.0, sounds_complete=True)
    turn.transcript("I have five years of Python.")
    turn.speech_started()  # a cough
    turn.speech_stopped(2.0, sounds_complete=True)
    turn.transcript("")
    assert turn.due(2.25)
    assert turn.take() == ("I have five years of Python.", 2.0)
    assert turn.idle


def test_an_expired_wait_without_words_leaves_the_turn_idle() -> None:
    turn = TurnTaking(transcript_timeout_s=3.0)
    turn.speech_started()
    turn.speech_stopped(1.0, sounds_complete=True)
    assert not turn.idle
    turn.give_up_waiting(3.9)
    assert not turn.idle
    turn.give_up_waiting(4.0)
    assert turn.idle


def test_text_endings() -> None:
    assert text_sounds_complete("I have seven years of experience.") is True
    assert text_sounds_complete("Did it work?") is True
    assert text_sounds_complete("У меня семь лет опыта.") is True
    assert text_sounds_complete("I worked with Python and...") is False
    assert text_sounds_complete("I worked with Python, and") is False
    assert text_sounds_complete("First, we measured,") is False
    assert text_sounds_complete("Сначала я измеряю, потом и") is False
    assert text_sounds_complete("Ну, я думаю, что") is False
    assert text_sounds_complete("Well, um.") is False
    assert text_sounds_complete("seven years of Python") is None
    assert text_sounds_complete("  ") is None
