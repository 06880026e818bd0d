"""The workspace's signed-in LinkedIn account: what LinkedIn leads' responses are sent with
(a message to the job's poster, scraper/browser/linkedin_message.py).

The cookies (with `li_at`, LinkedIn's session cookie) are kept and checked as every board's
session is (board_session.py), as the `integrations` row of kind 'linkedin'.
"""

from __future__ import annotations

from pipelines.leads.board_session import Board, SessionMissing
from scraper.browser.linkedin_message import load_linkedin_cookies


class LinkedInNotConnected(SessionMissing):
    """No live LinkedIn session is stored for the workspace."""

    code = "linkedin_not_connected"


BOARD = Board(kind="linkedin", label="LinkedIn", url_setting="linkedin_url",
              load_cookies=load_linkedin_cookies, missing=LinkedInNotConnected)  # fmt: skip
