-- What an interviewer turn was (greeting, question, follow_up, repeat, closing...): the
-- interviewer brain rebuilds its exact state from the transcript after a restart.
alter table interview_turns add column kind text;
