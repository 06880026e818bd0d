"""Browser scrapers for boards without an API, driven by headless Chromium (Playwright, async).

- `launch`: the Chromium executable, the browser and its contexts (user agent, locale, ...)
- `human`: pacing (pauses, reading time, scrolling, mouse curves), page budget, account locks
- `djinni`: Djinni listings and vacancies (JSON-LD first, DOM second)
- `hh_pages`: HH employer pages behind a recruiter login (responses, resumes, cookies)
- `jobspy_source`: LinkedIn, Indeed and others through python-jobspy
- `models`: `BoardVacancy`, `ScrapedResponse`, `ScrapedResume` and the `BoardSource` protocol
"""
