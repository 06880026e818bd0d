-- The interview clock (issue 11): time the candidate could not be connected because the server
-- was down or restarting is not counted against the interview's time limit. An interview's
-- elapsed time is `now - started_at - server_down_s`.
--
-- heartbeat_at: written every few seconds by the actor copy that holds a connected candidate,
-- fenced by its epoch; cleared when the candidate goes away or the actor leaves on purpose.
-- Still set when an actor copy starts, it means the previous copy died with a candidate on the
-- line: the gap from that heartbeat to the new start is added to server_down_s.
-- A candidate who leaves clears it, so their own absence keeps counting, as before.
alter table interviews
    add column server_down_s double precision not null default 0 check (server_down_s >= 0),
    add column heartbeat_at timestamptz;
