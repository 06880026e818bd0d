"""One function per console page."""
