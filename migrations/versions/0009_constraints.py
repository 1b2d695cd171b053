"""the schema holds its own rules: CHECK constraints for every enum column, ratings 1–5,
positions in range and in pairs, an inspection's source matching exactly one case

Revision ID: 0009_constraints
Revises: 0008_case_engine
"""

from alembic import op

revision = "0009_constraints"
down_revision = "0008_case_engine"
branch_labels = None
depends_on = None


def one_of(column: str, *values: str) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


# table → [(constraint name without the ck_<table>_ prefix the naming convention adds, condition)]
CHECKS = {
    "communes": [
        ("centre_latitude_in_range", "centre_latitude IS NULL OR centre_latitude BETWEEN -90 AND 90"),
        ("centre_longitude_in_range", "centre_longitude IS NULL OR centre_longitude BETWEEN -180 AND 180"),
        (
            "area_complete",
            "(centre_latitude IS NULL) = (area_radius_km IS NULL) AND (area_radius_km IS NULL OR area_radius_km > 0)",
        ),
        ("centre_latitude_with_centre_longitude", "(centre_latitude IS NULL) = (centre_longitude IS NULL)"),
    ],
    "agencies": [
        (
            "agency_kind",
            one_of(
                "kind",
                "commune_technical",
                "urban_agency",
                "civil_protection",
                "cadastre",
                "province",
                "culture",
                "other",
            ),
        ),
    ],
    "inspection_checklists": [
        (
            "type",
            one_of(
                "type",
                "site_visit",
                "end_of_works",
                "complaint_check",
                "unauthorised_construction",
                "public_domain_occupation",
            ),
        ),
    ],
    "users": [
        ("role", one_of("role", "citizen", "agent", "clerk", "reviewer", "admin", "national_admin")),
    ],
    "complaints": [
        ("latitude_in_range", "latitude IS NULL OR latitude BETWEEN -90 AND 90"),
        ("reopened_at_most_once", "reopen_count BETWEEN 0 AND 1"),
        ("longitude_in_range", "longitude IS NULL OR longitude BETWEEN -180 AND 180"),
        ("rating_1_to_5", "rating IS NULL OR rating BETWEEN 1 AND 5"),
        ("kind", one_of("kind", "complaint", "observation", "suggestion")),
        ("outcome", one_of("outcome", "resolved", "not_resolved", "not_competent")),
        ("status", one_of("status", "received", "acknowledged", "in_progress", "answered", "closed")),
        ("accuracy_not_negative", "accuracy_m IS NULL OR accuracy_m >= 0"),
        ("latitude_with_longitude", "(latitude IS NULL) = (longitude IS NULL)"),
    ],
    "permit_cases": [
        ("paused_days_not_negative", "paused_days >= 0"),
        ("latitude_in_range", "latitude IS NULL OR latitude BETWEEN -90 AND 90"),
        ("latitude_with_longitude", "(latitude IS NULL) = (longitude IS NULL)"),
        ("longitude_in_range", "longitude IS NULL OR longitude BETWEEN -180 AND 180"),
        ("legal_days_positive", "legal_days IS NULL OR legal_days > 0"),
        (
            "status",
            one_of(
                "status",
                "draft",
                "submitted",
                "documents_requested",
                "under_review",
                "site_visit",
                "decision_pending",
                "approved",
                "refused",
                "issued",
                "revoked",
                "withdrawn",
            ),
        ),
    ],
    "case_events": [
        (
            "status",
            one_of(
                "status",
                "draft",
                "submitted",
                "documents_requested",
                "under_review",
                "site_visit",
                "decision_pending",
                "approved",
                "refused",
                "issued",
                "revoked",
                "withdrawn",
            ),
        ),
    ],
    "complaint_events": [
        ("status", one_of("status", "received", "acknowledged", "in_progress", "answered", "closed")),
    ],
    "inspections": [
        ("source", one_of("source", "permit", "complaint", "on_the_spot")),
        (
            "type",
            one_of(
                "type",
                "site_visit",
                "end_of_works",
                "complaint_check",
                "unauthorised_construction",
                "public_domain_occupation",
            ),
        ),
        ("latitude_in_range", "latitude IS NULL OR latitude BETWEEN -90 AND 90"),
        ("status", one_of("status", "requested", "assigned", "reported", "cancelled", "settled")),
        (
            "source_matches_case",
            "(source = 'permit' AND permit_case_id IS NOT NULL AND complaint_id IS NULL)"
            " OR (source = 'complaint' AND complaint_id IS NOT NULL AND permit_case_id IS NULL)"
            " OR (source = 'on_the_spot' AND permit_case_id IS NULL AND complaint_id IS NULL)",
        ),
        ("latitude_with_longitude", "(latitude IS NULL) = (longitude IS NULL)"),
        ("longitude_in_range", "longitude IS NULL OR longitude BETWEEN -180 AND 180"),
    ],
    "opinions": [
        ("verdict", one_of("verdict", "favourable", "favourable_with_conditions", "unfavourable")),
    ],
    "inspection_events": [
        ("status", one_of("status", "requested", "assigned", "reported", "cancelled", "settled")),
    ],
    "inspection_reports": [
        ("latitude_with_longitude", "(latitude IS NULL) = (longitude IS NULL)"),
        ("latitude_in_range", "latitude IS NULL OR latitude BETWEEN -90 AND 90"),
        ("longitude_in_range", "longitude IS NULL OR longitude BETWEEN -180 AND 180"),
        ("outcome", one_of("outcome", "compliant", "not_compliant", "no_access")),
        ("accuracy_not_negative", "accuracy_m IS NULL OR accuracy_m >= 0"),
        ("distance_not_negative", "distance_m IS NULL OR distance_m >= 0"),
    ],
}


def upgrade():
    for table, checks in CHECKS.items():
        with op.batch_alter_table(table) as batch:
            for name, condition in checks:
                batch.create_check_constraint(name, condition)


def downgrade():
    for table, checks in reversed(CHECKS.items()):
        with op.batch_alter_table(table) as batch:
            for name, _condition in checks:
                batch.drop_constraint(name, type_="check")  # the naming convention adds ck_<table>_
