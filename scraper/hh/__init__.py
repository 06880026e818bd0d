"""HeadHunter's API: the OAuth flow, a client that behaves as HH asks, and its typed answers."""
