"""Lead generation: other companies' vacancies that a staffing or outsourcing workspace answers
with its own people.

Board scans store vacancies as leads (db/leads.py). `qualify` then takes each new lead:
`analysis` reads it (the screening's vacancy analysis plus seniority, goals and KPIs, budget,
timeline, contact and engagement), `dedupe` spots the same vacancy found on another board or
handled before, and `fit` scores it against what the workspace sells (db/leadgen_profiles.py)
and its bench of available people (db/bench.py), with reasons and the best bench matches.
Leads under the profile's threshold are archived with the reason, the rest are qualified and a
strong one is told to the owner; the response, its sending, the meeting and the CRM follow.
"""
