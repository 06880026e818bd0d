-- Interview analysis (issue 5): a report may have criteria that were not assessed (an
-- interview aborted early) or none at all (no answers): such scores are null, never invented.
alter table interview_reports
    alter column technical_skills drop not null,
    alter column experience_relevance drop not null,
    alter column communication drop not null,
    alter column problem_solving drop not null,
    alter column cultural_fit drop not null,
    alter column overall drop not null,
    alter column recommendation drop not null,
    add column status text not null default 'complete'
        check (status in ('complete', 'partial', 'insufficient')),
    add column language text not null default 'ru' check (language in ('ru', 'en')),
    -- strengths, concerns, red flags, rationales, signals, weights and thresholds applied
    add column details jsonb not null default '{}'::jsonb,
    add column pdf_generated_at timestamptz,
    add constraint interview_reports_verdict_check check (
        (status = 'insufficient' and overall is null and recommendation is null)
        or (status <> 'insufficient' and overall is not null and recommendation is not null)
    );

-- Weights and thresholds of the analysis, per vacancy (null: the documented defaults).
alter table vacancies add column analysis_policy jsonb;
