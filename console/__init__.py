"""The Streamlit recruiter console: an HTTP client of the API."""
