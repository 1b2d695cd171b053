"""The edges of the core input helpers, tested directly: each case here fails against a real bug
shape (``and`` → ``or`` in in_morocco, a dropped longitude term, a dropped ``$``, a missing
prefix) that the journeys let through. And bulk ORM DELETEs stay behind the commune wall."""

from __future__ import annotations

import math

import pytest
import sqlalchemy as sa

from app.core.geo import MOROCCO_BOUNDS, box_around, distance_m, in_morocco, outside_commune
from app.core.identity import InvalidIdentifier, format_phone, normalize_cin, normalize_phone
from app.extensions import db
from app.models import Agency, Commune, User
from app.scoping import set_commune_scope

(SOUTH, NORTH), (WEST, EAST) = MOROCCO_BOUNDS
CHEFCHAOUEN = (35.1688, -5.2636)
METRES_PER_DEGREE = math.radians(1) * 6_371_000  # along a meridian, or the equator


@pytest.mark.parametrize(
    ("latitude", "longitude", "inside"),
    [
        (*CHEFCHAOUEN, True),
        (31.63, 2.0, False),  # Algeria (Ghardaïa's latitude): the latitude alone is in range
        (34.0, 3.06, False),  # Algeria again, further north
        (40.0, -5.0, False),  # Spain's latitude on Morocco's longitudes
        (SOUTH, WEST, True),  # the corners belong to the box
        (NORTH, EAST, True),
        (SOUTH, EAST, True),
        (NORTH, WEST, True),
        (SOUTH - 0.0001, -10.0, False),  # just past each edge
        (NORTH + 0.0001, -5.0, False),
        (30.0, WEST - 0.0001, False),
        (30.0, EAST + 0.0001, False),
    ],
)
def test_in_morocco_needs_both_coordinates_in_range(latitude, longitude, inside):
    assert in_morocco(latitude, longitude) is inside


def test_an_east_west_distance_counts_the_longitude_shrinking_with_the_latitude():
    assert distance_m(0.0, 0.0, 0.0, 1.0) == pytest.approx(METRES_PER_DEGREE, rel=1e-6)
    at_35 = distance_m(35.0, -5.0, 35.0, -4.0)
    assert at_35 == pytest.approx(METRES_PER_DEGREE * math.cos(math.radians(35)), rel=1e-3)
    assert distance_m(35.0, -5.0, 36.0, -5.0) == pytest.approx(METRES_PER_DEGREE, rel=1e-6)
    assert distance_m(35.0, -4.0, 35.0, -5.0) == pytest.approx(at_35)  # either way
    assert distance_m(*CHEFCHAOUEN, *CHEFCHAOUEN) == 0


def _east_of(latitude, longitude, metres):
    return latitude, longitude + metres / (METRES_PER_DEGREE * math.cos(math.radians(latitude)))


@pytest.mark.parametrize("latitude", [0.0, 35.1688, 21.0])
def test_the_search_box_holds_the_circle_and_not_much_more(latitude):
    radius = 2_000
    (south, north), (west, east) = box_around(latitude, -5.0, radius)
    assert north - latitude == pytest.approx(radius / METRES_PER_DEGREE)
    assert latitude - south == pytest.approx(radius / METRES_PER_DEGREE)
    assert east - (-5.0) == pytest.approx(radius / (METRES_PER_DEGREE * math.cos(math.radians(latitude))))
    assert (-5.0) - west == pytest.approx(east - (-5.0))
    for metres, inside in ((radius * 0.999, True), (radius * 1.01, False)):
        _, lon = _east_of(latitude, -5.0, metres)
        assert (west <= lon <= east) is inside
        lat = latitude + metres / METRES_PER_DEGREE
        assert (south <= lat <= north) is inside


def test_a_point_east_of_the_commune_is_outside_only_beyond_its_radius():
    commune = Commune(centre_latitude=CHEFCHAOUEN[0], centre_longitude=CHEFCHAOUEN[1], area_radius_km=10)
    assert outside_commune(commune, *_east_of(*CHEFCHAOUEN, 11_000)) is True
    assert outside_commune(commune, *_east_of(*CHEFCHAOUEN, 9_000)) is False
    assert outside_commune(commune, *_east_of(*CHEFCHAOUEN, -11_000)) is True  # west
    assert outside_commune(commune, None, CHEFCHAOUEN[1]) is False
    assert outside_commune(Commune(), *_east_of(*CHEFCHAOUEN, 500_000)) is False  # no area set


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("0612345678", "+212612345678"),
        ("07 12 34 56 78", "+212712345678"),
        ("+212612345678", "+212612345678"),
        ("+212 6 12 34 56 78", "+212612345678"),
        ("00212612345678", "+212612345678"),
        ("00212 712-345-678", "+212712345678"),
        ("212612345678", "+212612345678"),
        ("٠٦١٢٣٤٥٦٧٨", "+212612345678"),
    ],
)
def test_mobile_numbers_in_every_way_people_write_them(typed, expected):
    assert normalize_phone(typed) == expected


@pytest.mark.parametrize(
    "typed",
    [
        "061234567899",  # one digit too many: not the number 0612345678
        "06123456789",
        "061234567",
        "0512345678",  # a landline
        "0812345678",
        "+2126123456789",
        "002126123456",
        "2120612345678",
        "0033612345678",
        "612345678",
        "",
    ],
)
def test_what_is_not_a_moroccan_mobile_is_refused(typed):
    with pytest.raises(InvalidIdentifier):
        normalize_phone(typed)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("A1", "A1"), ("k 12345", "K12345"), ("ab123456", "AB123456"), ("Z٩٩٩٩٩٩", "Z999999"), (" J 4 ", "J4")],
)
def test_cin_numbers_of_one_or_two_letters_and_up_to_six_digits(typed, expected):
    assert normalize_cin(typed) == expected


@pytest.mark.parametrize("typed", ["ABC123", "A1234567", "123456", "A", "AB", "1A23", "A12B", "É12345", ""])
def test_what_is_not_a_cin_is_refused(typed):
    with pytest.raises(InvalidIdentifier):
        normalize_cin(typed)


@pytest.mark.parametrize(
    ("stored", "shown"), [("+212612345678", "06 12 34 56 78"), ("+212700000009", "07 00 00 00 09")]
)
def test_format_phone_writes_the_number_as_people_do(stored, shown):
    assert format_phone(stored) == shown
    assert normalize_phone(shown) == stored


def test_the_commune_scope_also_guards_bulk_deletes(app, demo):
    with app.test_request_context():
        tiznit = db.session.scalar(sa.select(User.commune_id).where(User.email == "clerk2@demo.ma"))
        chefchaouen = db.session.scalar(sa.select(User.commune_id).where(User.email == "clerk@demo.ma"))
        before = db.session.scalar(sa.select(sa.func.count(Agency.id)).where(Agency.commune_id == chefchaouen))
        assert before
        set_commune_scope(tiznit)
        result = db.session.execute(sa.delete(Agency).where(Agency.commune_id == chefchaouen))
        assert result.rowcount == 0
        result = db.session.execute(sa.delete(Agency))  # no criterion at all: still only Tiznit's
        db.session.commit()
        set_commune_scope(None)
        assert db.session.scalar(sa.select(sa.func.count(Agency.id)).where(Agency.commune_id == chefchaouen)) == before
