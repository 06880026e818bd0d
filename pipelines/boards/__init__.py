"""Job boards into the product: a workspace's saved searches on Djinni, LinkedIn and Indeed, run
on demand and on a schedule, whose finds are kept as leads (db/leads.py)."""
