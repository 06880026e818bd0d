"""HeadHunter API client and Playwright scrapers for sources without an API."""
