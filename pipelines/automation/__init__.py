"""Automation jobs: the work the product does on its own, one small module per job.

Each job is a function run inside one workspace's RLS transaction (`runner.run_job`), which
also ends the job's leased run, so the work and its record commit together or not at all. The
Orchestrator actor (actors/orchestrator.py) only decides when and where they run.
"""
