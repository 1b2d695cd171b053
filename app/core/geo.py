"""Positions: is it in Morocco, how far apart, is it inside a commune's area.

No map tiles and no boundary files: a rough bounding box for the country and, per commune, a
centre and radius its admin sets. Both only ever flag or refuse with a clear message.
"""

from __future__ import annotations

import math

from app.models import Commune

MOROCCO_BOUNDS = ((20.5, 36.0), (-17.5, -0.9))  # (latitude range, longitude range), roughly
EARTH_RADIUS_M = 6_371_000
PUBLIC_DECIMALS = 4  # about 11 m: enough to find a pothole, not a front door


def in_morocco(latitude: float, longitude: float) -> bool:
    (south, north), (west, east) = MOROCCO_BOUNDS
    return south <= latitude <= north and west <= longitude <= east


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine), in metres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def box_around(latitude: float, longitude: float, radius_m: float) -> tuple[tuple[float, float], tuple[float, float]]:
    """A latitude/longitude box holding every point within ``radius_m`` (a little more): what an
    index can search before the exact distance is computed."""
    dlat = math.degrees(radius_m / EARTH_RADIUS_M)
    dlon = dlat / max(math.cos(math.radians(latitude)), 0.01)
    return (latitude - dlat, latitude + dlat), (longitude - dlon, longitude + dlon)


def outside_commune(commune: Commune, latitude: float | None, longitude: float | None) -> bool:
    """True only when the position is known to lie beyond the commune's area."""
    if latitude is None or longitude is None or not commune.has_area:
        return False
    return (
        distance_m(latitude, longitude, commune.centre_latitude, commune.centre_longitude)
        > commune.area_radius_km * 1000
    )


def public_coordinate(value: float | None) -> float | None:
    """A position as public pages and the Open311 API show it: rounded, the same everywhere."""
    return round(value, PUBLIC_DECIMALS) if value is not None else None
