"""`python -m tests.deploy.seed`, in the environment of a demo instance: the demo data, an issued
permit of citizen@demo.ma's with its documents, and a second citizen. Prints what the nginx test
needs, as JSON."""

from __future__ import annotations

import json

from flask_migrate import upgrade

from app import create_app
from app.cli import seed_demo
from app.communes.services import import_communes
from app.extensions import db
from app.permits import services
from app.permits.services import seed_types
from tests.permits import files


def main() -> None:
    app = create_app()
    with app.app_context():
        upgrade()
        import_communes()
        seed_types()
        seed_demo()
        case = files.submitted()
        admin = files.user("admin@demo.ma")
        services.mark_complete(case, admin)
        files.give_opinions(case)
        services.approve(case, admin, None)
        services.issue(case, admin)
        document = next(d for d in case.documents if not d.internal)
        files.citizen("other@demo.ma", "Autre Citoyen")
        print(json.dumps({"case": case.id, "document": document.id, "storage_name": document.storage_name}))
        db.session.remove()


if __name__ == "__main__":
    main()
