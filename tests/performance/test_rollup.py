"""The roll-up: each figure of a commune, from cases built on known days through the services
(tests/performance/scenario.py tells the story and each answer)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.communes.services import get_by_code
from app.extensions import db
from app.performance import rollup
from app.performance.measures import MEASURES
from app.performance.models import PerformanceFigure
from tests.performance import scenario


def figures(code: str) -> dict:
    commune = get_by_code(code)
    rows = db.session.scalars(sa.select(PerformanceFigure).where(PerformanceFigure.commune_id == commune.id))
    return {
        (f.period, f.measure, f.dimension, f.key): (f.cases, None if f.value is None else round(f.value, 4))
        for f in rows
    }


@pytest.fixture
def spring(app, rolled_up):
    with app.app_context():
        yield {code: figures(code) for code in (scenario.CHEFCHAOUEN, scenario.TIZNIT)}
        db.session.remove()


SINCE_OPENING = {
    "permits_received": (6, 6.0),
    "permits_complete": (5, 5.0),
    "permits_decided": (4, 4.0),
    "permits_approved": (3, 3.0),
    "permits_refused": (1, 1.0),
    "permits_median_days": (4, 20.5),  # 7, 20 (P5), 21 (P2), 25 (P4)
    "permits_within_deadline": (5, 0.6),  # P1, P2 (thanks to its pause), P5 (working days) of 4 decided + P3
    "permits_silence": (1, 1.0),
    "permits_documents_requested": (1, 1.0),
    "permits_issued": (1, 1.0),
    "complaints_received": (7, 7.0),
    "complaints_acknowledged_in_time": (6, 0.6667),  # C2 late, C6 never; C7 not due yet
    "complaints_answered_in_time": (5, 0.8),  # C2 late; C6 and C7 not due yet
    "complaints_median_days": (5, 7.0),  # first answers after 2, 4, 7 (C3, reopened), 18, 69 days
    "complaints_answered": (4, 4.0),
    "complaints_ratings": (2, 2.0),
    "complaints_rating": (2, 3.0),
    "complaints_reopened": (4, 0.25),
    "inspections_reported": (1, 1.0),
}


def test_every_figure_since_opening_counts_the_communes_own_cases_only(spring):
    found = spring[scenario.CHEFCHAOUEN]
    assert {m: found[("since_opening", m, "", "")] for m in SINCE_OPENING} == SINCE_OPENING
    assert {m.code for m in MEASURES} == set(SINCE_OPENING)


def test_the_other_commune_has_its_own_figures(spring):
    found = spring[scenario.TIZNIT]
    assert found[("since_opening", "permits_received", "", "")] == (1, 1.0)
    assert found[("since_opening", "permits_within_deadline", "", "")] == (1, 1.0)
    assert found[("since_opening", "complaints_received", "", "")] == (1, 1.0)
    assert found[("since_opening", "inspections_reported", "outcome", "compliant")] == (1, 1.0)


def test_figures_by_month_fall_on_the_day_in_morocco(spring):
    found = spring[scenario.CHEFCHAOUEN]
    march = {m: found.get(("2026-03", m, "", "")) for m in SINCE_OPENING}
    assert march == {
        "permits_received": (6, 6.0),
        "permits_complete": (4, 4.0),
        "permits_decided": (3, 3.0),
        "permits_approved": (2, 2.0),
        "permits_refused": (1, 1.0),
        "permits_median_days": (3, 21.0),
        "permits_within_deadline": (4, 0.5),  # P3's deadline passed on 03-20: counted on 03-21
        "permits_silence": (1, 1.0),
        "permits_documents_requested": (1, 1.0),
        "permits_issued": (1, 1.0),
        "complaints_received": (5, 5.0),
        "complaints_acknowledged_in_time": (5, 0.8),
        "complaints_answered_in_time": (5, 0.8),
        "complaints_median_days": (4, 5.5),
        "complaints_answered": (3, 3.0),  # C3's latest answer is of 03-25
        "complaints_ratings": (1, 1.0),
        "complaints_rating": (1, 4.0),
        "complaints_reopened": (4, 0.25),
        "inspections_reported": None,
    }
    assert found[("2026-04", "permits_within_deadline", "", "")] == (1, 1.0)
    assert found[("2026-04", "permits_median_days", "", "")] == (1, 20.0)
    assert found[("2026-04", "complaints_received", "", "")] == (1, 1.0)  # C6; C7 is May in Morocco
    assert found[("2026-05", "complaints_received", "", "")] == (1, 1.0)
    assert found[("2026-04", "complaints_acknowledged_in_time", "", "")] == (1, 0.0)
    assert ("2026-05", "complaints_acknowledged_in_time", "", "") not in found  # C7 has days left
    assert found[("2026-05", "complaints_median_days", "", "")] == (1, 69.0)
    assert found[("2026-04", "inspections_reported", "outcome", "not_compliant")] == (1, 1.0)


def test_the_last_30_days_and_the_last_12_months(spring):
    found = spring[scenario.CHEFCHAOUEN]
    recent = {k[1]: v for k, v in found.items() if k[0] == "last_30_days" and k[2] == ""}
    assert recent == {
        "permits_decided": (1, 1.0),  # P5 on 04-21
        "permits_approved": (1, 1.0),
        "permits_median_days": (1, 20.0),
        "permits_within_deadline": (1, 1.0),
        "complaints_received": (1, 1.0),  # C7
        "complaints_median_days": (1, 69.0),
        "complaints_answered": (1, 1.0),
        "complaints_ratings": (1, 1.0),
        "complaints_rating": (1, 2.0),
    }
    year = {k[1]: v for k, v in found.items() if k[0] == "last_12_months" and k[2] == ""}
    assert year == SINCE_OPENING


def test_breakdowns_by_type_kind_category_department_channel_and_outcome(spring):
    found = spring[scenario.CHEFCHAOUEN]
    since = {k[1:]: v for k, v in found.items() if k[0] == "since_opening" and k[2]}
    assert since[("permits_received", "type", "building_small")] == (5, 5.0)
    assert since[("permits_received", "type", "repair")] == (1, 1.0)
    assert since[("permits_within_deadline", "type", "building_small")] == (4, 0.5)
    assert since[("permits_within_deadline", "type", "repair")] == (1, 1.0)
    assert since[("permits_median_days", "type", "building_small")] == (3, 21.0)
    received = {k[1:]: v[0] for k, v in since.items() if k[0] == "complaints_received"}
    assert received == {
        ("kind", "complaint"): 5,
        ("kind", "observation"): 1,
        ("kind", "suggestion"): 1,
        ("category", "roads"): 6,
        ("category", "lighting"): 1,
        ("department", "Service de la voirie"): 6,
        ("department", "Service de l'éclairage public"): 1,
        ("channel", "web"): 6,
        ("channel", "open311"): 1,
    }
    assert since[("complaints_answered", "outcome", "resolved")] == (2, 2.0)
    assert since[("complaints_answered", "outcome", "not_resolved")] == (2, 2.0)
    # Only the breakdowns each measure publishes.
    assert {k[0] for k in since} == {
        "permits_received",
        "permits_complete",
        "permits_decided",
        "permits_approved",
        "permits_refused",
        "permits_median_days",
        "permits_within_deadline",
        "permits_silence",
        "permits_documents_requested",
        "permits_issued",
        "complaints_received",
        "complaints_answered",
        "inspections_reported",
    }


def test_a_second_refresh_replaces_the_figures(app, spring):
    with app.app_context():
        before = figures(scenario.CHEFCHAOUEN)
        rollup.refresh(get_by_code(scenario.CHEFCHAOUEN))
        assert figures(scenario.CHEFCHAOUEN) == before
