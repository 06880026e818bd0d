-- HeadHunter's public vacancy search (a board since 0032) records its runs as 'hh_search': a
-- search there must not wait for the employer sync ('hh') nor for LinkedIn/Indeed ('board').
alter table import_runs drop constraint import_runs_source_check;
alter table import_runs add constraint import_runs_source_check
    check (source in ('hh', 'djinni', 'board', 'hh_search'));
