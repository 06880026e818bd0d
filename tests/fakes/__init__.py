"""Hand-written fakes of external services (real local servers, no network)."""
