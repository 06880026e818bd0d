-- Live interviews (console issue): the Ray node an interview's actor copy runs on, so a
-- recruiter (and ops) can see where each live interview is. Written by each copy as it starts
-- and takes its epoch (db.interviews.bump_epoch); null until an actor has started, and kept
-- after the interview ends (the last node it ran on).
alter table interviews add column node_id text;
