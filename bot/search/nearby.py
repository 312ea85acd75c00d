"""The département nearest to a point: for a location shared in the chat ("près de chez moi").

The nearest of the towns below decides (the gazetteer, `bot.search.places`, gives each its
département): they are spread over the five départements, so the nearest one lies in the right
département except within a few kilometres of a border, where the user can still change the
choice.

Coordinates: approximate town-centre positions (WGS 84, rounded to 0.01°, about 1 km), written
from general maps of Brittany; good enough to tell départements apart, not to measure a route.
The gazetteer's sources carry no coordinates, so this short list stays.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

from bot.search.places import find_commune

# Beyond this distance from every town listed, the point is not in Brittany.
FAR_KM = 50.0
_EARTH_RADIUS_KM = 6371.0

COORDINATES: dict[str, tuple[float, float]] = {
    # Côtes-d'Armor
    "Saint-Brieuc": (48.51, -2.76),
    "Lannion": (48.73, -3.46),
    "Guingamp": (48.56, -3.15),
    "Dinan": (48.46, -2.05),
    "Lamballe-Armor": (48.47, -2.52),
    "Loudéac": (48.18, -2.75),
    "Paimpol": (48.78, -3.05),
    "Perros-Guirec": (48.81, -3.44),
    "Tréguier": (48.79, -3.23),
    "Lanvellec": (48.62, -3.53),
    "Plérin": (48.53, -2.77),
    "Rostrenen": (48.24, -3.32),
    # Finistère
    "Quimper": (48.00, -4.10),
    "Brest": (48.39, -4.49),
    "Morlaix": (48.58, -3.83),
    "Landerneau": (48.45, -4.25),
    "Douarnenez": (48.09, -4.33),
    "Concarneau": (47.87, -3.92),
    "Quimperlé": (47.87, -3.55),
    "Carhaix-Plouguer": (48.28, -3.57),
    "Châteaulin": (48.20, -4.09),
    "Landivisiau": (48.51, -4.07),
    "Saint-Pol-de-Léon": (48.69, -3.99),
    "Crozon": (48.25, -4.49),
    "Pont-l'Abbé": (47.87, -4.22),
    "Ouessant": (48.46, -5.09),
    "Lanildut": (48.47, -4.75),
    "Plougastel-Daoulas": (48.37, -4.37),
    "Guipavas": (48.43, -4.40),
    "Le Relecq-Kerhuon": (48.41, -4.40),
    # Ille-et-Vilaine
    "Rennes": (48.11, -1.68),
    "Saint-Malo": (48.65, -2.01),
    "Fougères": (48.35, -1.20),
    "Vitré": (48.12, -1.21),
    "Redon": (47.65, -2.08),
    "Dinard": (48.63, -2.06),
    "Cesson-Sévigné": (48.12, -1.60),
    "Bruz": (48.02, -1.75),
    "Montfort-sur-Meu": (48.14, -1.96),
    "Cancale": (48.68, -1.85),
    # Loire-Atlantique
    "Nantes": (47.22, -1.55),
    "Saint-Nazaire": (47.27, -2.21),
    "Guérande": (47.33, -2.43),
    "Clisson": (47.09, -1.28),
    "Rezé": (47.18, -1.55),
    "Châteaubriant": (47.72, -1.38),
    "Ancenis-Saint-Géréon": (47.37, -1.18),
    "Pornic": (47.12, -2.10),
    "La Baule-Escoublac": (47.29, -2.39),
    "Le Croisic": (47.29, -2.51),
    # Morbihan
    "Vannes": (47.66, -2.76),
    "Lorient": (47.75, -3.37),
    "Pontivy": (48.07, -2.96),
    "Auray": (47.67, -2.98),
    "Ploërmel": (47.93, -2.40),
    "Hennebont": (47.80, -3.28),
    "Lanester": (47.76, -3.34),
    "Quiberon": (47.48, -3.12),
    "Baud": (47.87, -3.02),
    "Guidel": (47.79, -3.49),
    "Groix": (47.64, -3.45),
    "Carnac": (47.58, -3.08),
}


@dataclass(frozen=True)
class Nearest:
    departement: str  # INSEE number
    commune: str
    km: float

    @property
    def far(self) -> bool:
        """The point is far from Brittany: its département is only the closest one."""
        return self.km > FAR_KM


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance (haversine) between two (latitude, longitude) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2
    h += math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * _EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


@functools.cache
def _located() -> tuple[tuple[str, str, tuple[float, float]], ...]:
    """(name, département, position) of each town listed."""
    located = []
    for name, position in COORDINATES.items():
        commune = find_commune(name)
        if commune is None:  # tests/unit/test_search.py keeps the names in the gazetteer
            raise LookupError(f"{name} is not in the gazetteer")
        located.append((commune.name, commune.departement, position))
    return tuple(located)


def nearest_departement(latitude: float, longitude: float) -> Nearest:
    """The département of the listed town nearest to the point."""
    point = (latitude, longitude)
    name, departement, position = min(_located(), key=lambda town: distance_km(point, town[2]))
    return Nearest(departement, name, distance_km(point, position))
