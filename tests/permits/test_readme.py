from pathlib import Path

from app.permits.workflow import TRANSITIONS, Status

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()


def test_the_readme_documents_every_transition_and_status():
    for name in TRANSITIONS:
        assert f"`{name}`" in README, name
    for status in Status:
        assert status.value in README, status
