"""The skeleton answers: login page for anonymous users, the ward for a nurse."""

from __future__ import annotations

from typing import Any


def test_anonymous_is_sent_to_login(client_as: Any) -> None:
    r = client_as(None).get("/ward/")
    assert r.status_code == 302
    assert r["Location"].startswith("/login/")


def test_nurse_sees_ward(client_as: Any) -> None:
    r = client_as("nurse").get("/ward/")
    assert r.status_code == 200, r.content[:500]
    assert b"Ward" in r.content


def test_norole_is_refused(client_as: Any) -> None:
    assert client_as("").get("/ward/").status_code == 403
