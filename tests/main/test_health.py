from app.core import health
from app.core.dates import utcnow
from app.extensions import db


def test_healthz_says_the_database_answers_and_when_the_worker_last_worked(app, client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {
        "status": "degraded",  # no worker has ever run here
        "database": "ok",
        "redis": "not used",
        "worker": {"status": "never seen", "last_beat": None},
    }
    with app.app_context():
        health.beat()
    response = client.get("/healthz")
    assert response.json["status"] == "ok" and response.json["worker"]["status"] == "ok"
    with app.app_context():
        db.session.execute(db.update(health.WorkerBeat).values(beat_at=utcnow() - health.WORKER_LATE_AFTER * 2))
        db.session.commit()
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json["worker"]["status"] == "late"


def test_healthz_reports_an_unreachable_database(app):
    from app import create_app
    from app.config import TestConfig

    broken = create_app(TestConfig("postgresql+psycopg://nobody@127.0.0.1:1/none"))
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] == "unreachable" and response.json["status"] == "error"


def test_open311_answers_503_with_an_error_list_while_the_database_is_away(app):
    from app import create_app
    from app.config import TestConfig

    broken = create_app(TestConfig("postgresql+psycopg://nobody@127.0.0.1:1/none"))
    response = broken.test_client().get("/open311/v2/services.json?jurisdiction_id=01.151.01.01")
    assert response.status_code == 503 and response.headers["Retry-After"]
    assert response.json == [{"code": 503, "description": "the service is briefly unavailable: try again in a minute"}]
