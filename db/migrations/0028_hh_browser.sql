-- HeadHunter by browser (issue 15): workspaces without HH's paid API access import responses
-- through their recruiter's logged-in HH session.
--
-- The session is the workspace's `integrations` row of kind 'hh_browser': the cookies JSON
-- sealed in `secrets_encrypted` (db/secret_box.py), HH's site, the vacancies watched and the
-- daily page budget in `settings`. 0001 declared the kinds in an unnamed inline check, so
-- Postgres named it `integrations_kind_check`.
alter table integrations drop constraint integrations_kind_check;
alter table integrations add constraint integrations_kind_check check (kind in
    ('hh', 'hh_browser', 'telegram', 'djinni', 'openai', 'deepgram', 'elevenlabs'));

-- Pages a scraping account opened per day (scraper/browser/budget.py): HH bans accounts that
-- read far more than a person would, so each account has a daily budget, counted here so that
-- it holds across runs, restarts and workers. `pages` only grows within a day, and one
-- statement takes a page or refuses (db/page_budgets.py).
create table scraper_page_budgets (
    workspace_id uuid not null references workspaces (id) on delete cascade,
    account text not null,
    day date not null,
    pages integer not null default 0 check (pages >= 0),
    primary key (workspace_id, account, day)
);
select enable_tenant_rls('scraper_page_budgets');
