"""``hdil2 users``: add (argon2, the role's group), list, roles, token, revoke - each refusing bad
input with the field named and exit status 2 (issue 14, Build 3)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from hdil2.cli.invoke import invoke

GOOD = "correct horse battery staple 7"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = str(tmp_path_factory.mktemp("users") / "registry.sqlite3")
    code, _, err = invoke(["registry", "init", "--db", path, "--json"], "")
    assert code == 0, err
    return path


def ok(args: list[str], stdin: str = "") -> Any:
    code, out, err = invoke([*args, "--json"], stdin)
    assert code == 0, err
    return json.loads(out)


def refused(args: list[str], stdin: str = "") -> str:
    code, out, err = invoke([*args, "--json"], stdin)
    assert code == 2, (code, out, err)
    assert out == ""
    assert "Traceback" not in err
    return str(json.loads(err)["errors"][0]["field"])


def test_add_creates_an_argon2_user_in_the_roles_group(db: str) -> None:
    doc = ok(["users", "add", "nurse-ann", "--role", "nurse", "--password-stdin", "--db", db],
             GOOD + "\n")
    assert doc == {"username": "nurse-ann", "roles": ["nurse"]}
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="nurse-ann")
    assert user.password.startswith("argon2$argon2id$")
    assert user.check_password(GOOD)
    assert sorted(g.name for g in user.groups.all()) == ["nurse"]
    from hdil2.web.roles import can

    assert can(user, "record")
    assert not can(user, "plan")


@pytest.mark.parametrize("weak", ["short1", "password123", "12345678901234", "nurse-bob-1"])
def test_a_weak_password_is_refused_naming_password(db: str, weak: str) -> None:
    """Django's validators: under 10 characters, a common password, all digits, too like the
    user name."""
    assert refused(["users", "add", "nurse-bob", "--role", "nurse", "--password-stdin", "--db",
                    db], weak + "\n") == "password"
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.filter(username="nurse-bob").exists()


def test_unknown_role_is_refused_naming_role(db: str) -> None:
    assert refused(["users", "add", "x-1", "--role", "surgeon", "--password-stdin", "--db", db],
                   GOOD + "\n") == "role"


def test_bad_or_taken_user_name_is_refused(db: str) -> None:
    ok(["users", "add", "viewer-vic", "--role", "viewer", "--password-stdin", "--db", db],
       GOOD + "\n")
    assert refused(["users", "add", "viewer-vic", "--role", "viewer", "--password-stdin",
                    "--db", db], GOOD + "\n") == "username"
    assert refused(["users", "add", "has space", "--role", "viewer", "--password-stdin",
                    "--db", db], GOOD + "\n") == "username"


def test_no_terminal_and_no_password_stdin_is_refused(db: str) -> None:
    assert refused(["users", "add", "x-2", "--role", "nurse", "--db", db], "") == "password"


def test_list_and_roles(db: str) -> None:
    ok(["users", "add", "doc-dan", "--role", "physician", "--role", "nurse",
        "--password-stdin", "--db", db], GOOD + "\n")
    listed = {u["username"]: u for u in ok(["users", "list", "--db", db])["users"]}
    assert listed["doc-dan"]["roles"] == ["nurse", "physician"]
    assert listed["doc-dan"]["active"] is True
    assert ok(["users", "roles", "doc-dan", "--role", "viewer", "--db", db]) == {
        "username": "doc-dan", "roles": ["viewer"]}
    listed = {u["username"]: u for u in ok(["users", "list", "--db", db])["users"]}
    assert listed["doc-dan"]["roles"] == ["viewer"]
    assert refused(["users", "roles", "nobody", "--role", "viewer", "--db", db]) == "username"
    assert refused(["users", "roles", "doc-dan", "--role", "king", "--db", db]) == "role"


def test_token_acts_as_its_user_until_revoked(db: str) -> None:
    ok(["users", "add", "script-sam", "--role", "nurse", "--password-stdin", "--db", db],
       GOOD + "\n")
    doc = ok(["users", "token", "script-sam", "--name", "ward script", "--db", db])
    token = doc["token"]
    assert token.startswith("hdil2_")
    from hdil2.web.models import ApiToken, digest

    assert ApiToken.user_for(token).username == "script-sam"
    row = ApiToken.objects.get(pk=doc["id"])
    assert row.key_digest == digest(token)
    assert token not in row.key_digest  # only the digest is kept
    from django.test import Client

    # the API takes it: the token's user (a nurse) reads; without it, 401
    r = Client().get("/api/v1/openapi.json", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200, r.content[:200]
    assert ok(["users", "revoke", str(doc["id"]), "--db", db]) == {"id": doc["id"],
                                                                   "revoked": True}
    assert ApiToken.user_for(token) is None
    r = Client().get("/api/v1/openapi.json", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 401
    assert refused(["users", "revoke", str(doc["id"]), "--db", db]) == "token_id"
    assert refused(["users", "token", "nobody", "--name", "x", "--db", db]) == "username"
    assert refused(["users", "token", "script-sam", "--name", " ", "--db", db]) == "name"


def test_users_need_an_existing_registry(tmp_path: Path) -> None:
    missing = str(tmp_path / "none.sqlite3")
    assert refused(["users", "list", "--db", missing]) == "db"
    assert not Path(missing).exists()
