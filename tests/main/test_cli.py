import sqlalchemy as sa

from app.config import ROOT
from app.extensions import db
from app.models import User


def test_staff_create_command_makes_an_account_that_signs_in(app, client, demo):
    result = app.test_cli_runner().invoke(
        args=[
            "staff",
            "create",
            "--login",
            "0698765432",
            "--name",
            "Rachid Agent",
            "--role",
            "agent",
            "--commune",
            "01.151.01.01",
            "--password",
            "terrain-2026-ok",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "created" in result.output
    assert client.signin("06 98 76 54 32", "terrain-2026-ok").status_code == 303


def test_staff_create_refuses_a_staff_member_without_a_commune(app):
    result = app.test_cli_runner().invoke(
        args=[
            "staff",
            "create",
            "--login",
            "a@demo.ma",
            "--name",
            "A",
            "--role",
            "clerk",
            "--password",
            "terrain-2026-ok",
        ]
    )
    assert result.exit_code != 0
    assert "Choose the commune" in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(User).where(User.email == "a@demo.ma")) is None


def test_demo_seed_is_idempotent(app, demo):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == len(demo)


def test_demo_accounts_exist_only_in_demo_mode(app, monkeypatch):
    monkeypatch.setitem(app.config, "DEMO_MODE", False)
    result = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code != 0 and "only in demo mode" in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_translate_init_refuses_a_language_that_has_its_catalogue(app):
    catalogue = ROOT / "translations" / "fr" / "LC_MESSAGES" / "messages.po"
    before = catalogue.read_bytes()
    result = app.test_cli_runner().invoke(args=["translate", "init", "fr"])
    assert result.exit_code != 0
    assert "exists already" in result.output
    assert catalogue.read_bytes() == before  # the French translations are still there


def test_translate_init_refuses_what_is_not_a_language_code(app):
    result = app.test_cli_runner().invoke(args=["translate", "init", "../../etc"])
    assert result.exit_code != 0
    assert "not a language code" in result.output
