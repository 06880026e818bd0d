"""Ray actors: InterviewSession, WorkspaceBot, Orchestrator, and their naming helpers."""
