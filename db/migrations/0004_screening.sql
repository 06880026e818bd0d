-- Screening and ranking: vacancy embeddings for semantic similarity, document flags on
-- resumes (hidden text, prompt injection), and the interview plan made for each application.

alter table vacancies
    add column embedding vector(512),
    add column embedding_engine text,
    add column requirements_engine text;

alter table resumes
    add column flags jsonb not null default '[]'::jsonb,
    add column hidden_text text,
    add column language text check (language in ('ru', 'en'));

alter table applications
    add column interview_plan jsonb;

-- Profiles are searched by skill and by years of experience.
create index resumes_profile_skills_idx on resumes using gin ((profile -> 'skills'));

