"""Demo projects for `kengo-bot demo-data`: a credible, idempotent catalogue to try the bot on.

The projects, associations and people are fictional; the communes are real. Every figure is
derived from a per-project seed, so loading the data anywhere gives the same amounts. Projects are
keyed by slug: reloading skips the projects already present, pledges included.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.models import (
    Category,
    Departement,
    Follow,
    FundingModel,
    Pledge,
    PledgeStatus,
    Project,
    ProjectStatus,
    RewardTier,
    User,
    utcnow,
)
from bot.text import search_key

EUR = 100  # cents

# Telegram promises user ids of at most 52 significant bits (< 2**52 ≈ 4.5e15). Demo users live
# above that, so they can never collide with a real person, and stay exact as JSON doubles
# (< 2**53). Owners take the offsets 1-999, contributors 1000 onwards.
DEMO_USER_ID_BASE = 5_000_000_000_000_000
DEMO_USER_ID_SPAN = 1_000_000
_CONTRIBUTOR_OFFSET = 1000
_CONTRIBUTOR_COUNT = 420

_MAX_PLEDGES = 280  # per project: keeps loading fast
# Everyday gifts (cents, weight), and the larger gifts of patrons and local businesses, drawn
# while what is left to raise is more than everyday gifts could plausibly cover.
_EVERYDAY_GIFTS = (
    (5 * EUR, 2),
    (10 * EUR, 16),
    (15 * EUR, 5),
    (20 * EUR, 22),
    (25 * EUR, 12),
    (30 * EUR, 9),
    (40 * EUR, 4),
    (50 * EUR, 20),
    (100 * EUR, 10),
    (150 * EUR, 2),
    (200 * EUR, 2),
    (500 * EUR, 1),
)
_PATRON_GIFTS = (
    (200 * EUR, 20),
    (300 * EUR, 15),
    (500 * EUR, 30),
    (1000 * EUR, 20),
    (1500 * EUR, 5),
    (2000 * EUR, 7),
    (3000 * EUR, 3),
)
_EVERYDAY_MEAN = 40 * EUR
_TIPS = (0, 0, 0, 0, 0, 5 * EUR, 5 * EUR, 10 * EUR)  # added to a reward's minimum now and then


@dataclass(frozen=True)
class DemoPerson:
    number: int  # offset from DEMO_USER_ID_BASE: never renumber, only append
    first_name: str
    last_name: str
    locale: str
    home: Departement

    @property
    def user_id(self) -> int:
        return DEMO_USER_ID_BASE + self.number


@dataclass(frozen=True)
class DemoTier:
    title: str
    description: str
    min_amount_cents: int
    backers: int  # paid pledges choosing this reward
    quantity_limit: int | None = None
    delivery_days_after_end: int | None = None


@dataclass(frozen=True)
class DemoProject:
    slug: str
    title: str
    summary: str
    description: str
    breton_connection: str
    category: Category
    departement: Departement
    commune: str
    owner: DemoPerson
    goal_cents: int
    funding_model: FundingModel
    stage: ProjectStatus  # LIVE, SUCCEEDED or FAILED
    starts_days_ago: int
    duration_days: int
    funded_percent: int  # of the goal, paid by the contributors
    tiers: tuple[DemoTier, ...] = ()
    extra_followers: int = 10  # followers who did not contribute
    photo_file_id: str | None = None  # Telegram file ids cannot be invented

    def __post_init__(self) -> None:
        ended = self.starts_days_ago > self.duration_days
        if ended != (self.stage is not ProjectStatus.LIVE):
            raise ValueError(f"{self.slug}: dates do not match the stage {self.stage}")
        for tier in self.tiers:
            if tier.quantity_limit is not None and tier.backers > tier.quantity_limit:
                raise ValueError(f"{self.slug}: reward {tier.title!r} is oversold")

    @property
    def raised_target_cents(self) -> int:
        """What the contributors paid, rounded to 5 € like the gifts themselves."""
        return round(self.goal_cents * self.funded_percent / 100 / (5 * EUR)) * 5 * EUR

    @property
    def refunded(self) -> bool:
        """An all-or-nothing project that missed its goal gave all contributors their money back."""
        return self.stage is ProjectStatus.FAILED and (
            self.funding_model is FundingModel.ALL_OR_NOTHING
        )


@dataclass(frozen=True)
class Timeline:
    starts_at: datetime
    ends_at: datetime
    closed_at: datetime | None

    @staticmethod
    def of(project: DemoProject, now: datetime) -> Timeline:
        starts_at = (now - timedelta(days=project.starts_days_ago)).replace(microsecond=0)
        ends_at = starts_at + timedelta(days=project.duration_days)
        closed_at = ends_at + timedelta(minutes=7) if ends_at < now else None
        return Timeline(starts_at, ends_at, closed_at)


@dataclass(frozen=True)
class PlannedPledge:
    user_id: int
    amount_cents: int
    tier_position: int | None
    paid_at: datetime


@dataclass(frozen=True)
class Backing:
    """Who gave what and when to one project, and who follows it since when."""

    pledges: tuple[PlannedPledge, ...]
    followers: tuple[tuple[int, datetime], ...]


@dataclass(frozen=True)
class DemoReport:
    created: int
    already_present: int
    pledges: int


# --- People ------------------------------------------------------------------------------------

_22, _29, _35 = Departement.COTES_DARMOR, Departement.FINISTERE, Departement.ILLE_ET_VILAINE
_44, _56 = Departement.LOIRE_ATLANTIQUE, Departement.MORBIHAN

GWENAELLE = DemoPerson(1, "Gwenaëlle", "Le Bihan", "fr", _22)
ERWAN = DemoPerson(2, "Erwan", "Le Gall", "br", _56)
MAIWENN = DemoPerson(3, "Maïwenn", "Cariou", "fr", _29)
NOLWENN = DemoPerson(4, "Nolwenn", "Riou", "br", _35)  # runs an association: two projects
YANN = DemoPerson(5, "Yann", "Quéré", "fr", _22)
LOIC = DemoPerson(6, "Loïc", "Jégo", "fr", _56)
TANGUY = DemoPerson(7, "Tanguy", "Le Roux", "fr", _35)
ANNA = DemoPerson(8, "Anna", "Guillou", "fr", _44)
KLERVI = DemoPerson(9, "Klervi", "Le Floch", "fr", _44)
SOIZIC = DemoPerson(10, "Soizic", "Malgorn", "fr", _29)
RONAN = DemoPerson(11, "Ronan", "Le Dréau", "fr", _56)
KATELL = DemoPerson(12, "Katell", "Prigent", "fr", _22)
GOULVEN = DemoPerson(13, "Goulven", "Kerhervé", "br", _29)
MATHURIN = DemoPerson(14, "Mathurin", "Hamon", "fr", _35)
ELODIE = DemoPerson(15, "Élodie", "Ménard", "fr", _44)

_FIRST_NAMES = (
    "Anna", "Yann", "Gwenaëlle", "Loïc", "Maïwenn", "Erwan", "Nolwenn", "Tanguy", "Katell",
    "Ronan", "Soizic", "Gaël", "Morgane", "Mathieu", "Léa", "Hugo", "Chloé", "Jean-Yves", "Marie",
    "Pierre", "Anne-Laure", "Youenn", "Enora", "Gwendal", "Awen", "Malo", "Nolann", "Lénaïg",
    "Tristan", "Armelle", "Brieuc", "Corentin", "Elouan", "Goulven", "Jakez", "Mona", "Paol",
    "Rozenn", "Sterenn", "Tifenn", "Yannig", "Catherine", "Bernard", "Françoise", "Michel",
    "Sophie", "Thomas", "Camille", "Louise", "Jeanne", "Jules", "Gabriel", "Maëlys", "Nathalie",
    "Christophe", "Hervé", "Josiane", "Aziliz", "Riwal", "Bleuenn", "Maëla", "Per", "Annaïg",
)  # fmt: skip
_LAST_NAMES = (
    "Le Gall", "Le Bihan", "Le Goff", "Guillou", "Morvan", "Kerhervé", "Le Roux", "Caradec",
    "Quéré", "Jaouen", "Le Floch", "Riou", "Cozic", "Le Meur", "Prigent", "Hamon", "Le Berre",
    "Cariou", "Pennec", "Le Corre", "Tanguy", "Le Guen", "Nédélec", "Bothorel", "Le Moal",
    "Ollivier", "Le Bris", "Kervella", "Thépaut", "Le Pape", "Gourvès", "Bescond", "Daniel",
    "Martin", "Lemoine", "Robin", "Fleury", "Briand", "Lebreton", "Gicquel", "Rouxel", "Josse",
)  # fmt: skip


def _seeded(seed: str) -> random.Random:
    return random.Random(seed)  # noqa: S311 - reproducible demo figures, nothing secret


@cache
def demo_contributors() -> tuple[DemoPerson, ...]:
    rng = _seeded("kengo-demo-contributors")
    return tuple(
        DemoPerson(
            number=_CONTRIBUTOR_OFFSET + index,
            first_name=rng.choice(_FIRST_NAMES),
            last_name=rng.choice(_LAST_NAMES),
            locale="br" if rng.random() < 0.2 else "fr",
            home=rng.choice(list(Departement)),
        )
        for index in range(_CONTRIBUTOR_COUNT)
    )


# --- Projects ----------------------------------------------------------------------------------

_AON, _KIA = FundingModel.ALL_OR_NOTHING, FundingModel.KEEP_IT_ALL
_LIVE, _SUCCEEDED, _FAILED = ProjectStatus.LIVE, ProjectStatus.SUCCEEDED, ProjectStatus.FAILED

DEMO_PROJECTS: tuple[DemoProject, ...] = (
    DemoProject(
        slug="fest-noz-tregor-lannion",
        title="Fest-noz d'été du Trégor : la 10e édition à Lannion",
        summary=(
            "Deux nuits de danse sur les quais du Léguer, dix groupes du Trégor et un stage de "
            "danse ouvert à tous : aidez-nous à fêter dix ans de fest-noz gratuit."
        ),
        description=(
            "Depuis dix étés, notre association de danseurs et de sonneurs organise un fest-noz "
            "gratuit sur les quais du Léguer, à Lannion. L'an dernier, plus de 2 000 personnes "
            "sont venues danser, des enfants du cercle aux anciens qui ont appris la gavotte au "
            "bal du samedi soir.\n\n"
            "Pour la dixième édition, nous passons à deux soirées, avec dix groupes et chanteurs "
            "du Trégor, un concours de kan ha diskan pour les jeunes chanteurs et un stage de "
            "danses du Trégor le samedi après-midi.\n\n"
            "L'entrée restera gratuite : c'est notre règle depuis le premier jour. La collecte "
            "finance la location du plancher de danse et de la sonorisation, la rémunération des "
            "musiciens, la sécurité et les toilettes sèches. Si l'objectif est dépassé, nous "
            "enregistrerons les meilleurs moments pour une compilation."
        ),
        breton_connection=(
            "Une association lannionnaise de danseurs et de sonneurs qui fait vivre, en breton, "
            "le répertoire chanté et dansé du Trégor."
        ),
        category=Category.CULTURE,
        departement=_22,
        commune="Lannion",
        owner=GWENAELLE,
        goal_cents=6_000 * EUR,
        funding_model=_AON,
        stage=_LIVE,
        starts_days_ago=18,
        duration_days=30,
        funded_percent=72,
        extra_followers=34,
        tiers=(
            DemoTier(
                "Badge de soutien",
                "Le badge brodé de la 10e édition et votre nom sur le mur des soutiens, à "
                "l'entrée du fest-noz.",
                15 * EUR,
                backers=60,
                delivery_days_after_end=40,
            ),
            DemoTier(
                "Tee-shirt et gobelet collector",
                "Le tee-shirt sérigraphié de la 10e édition, un gobelet collector et une "
                "galette-saucisse offerte chaque soir.",
                40 * EUR,
                backers=30,
                quantity_limit=80,
                delivery_days_after_end=40,
            ),
            DemoTier(
                "Stage de danse et repas",
                "Le stage de danses du Trégor du samedi, avec les musiciens du festival, suivi "
                "du repas des bénévoles.",
                90 * EUR,
                backers=12,
                quantity_limit=12,
                delivery_days_after_end=40,
            ),
        ),
    ),
    DemoProject(
        slug="diwan-gwened-troisieme-classe",
        title="Skol Diwan Gwened : une troisième classe pour la rentrée",
        summary=(
            "L'école Diwan de Vannes passe de 38 à 56 élèves : il faut meubler et équiper une "
            "troisième classe et financer un poste d'aide maternelle bretonnante."
        ),
        description=(
            "Notre école associative accueille les enfants de la petite section au CM2 en "
            "immersion en breton. Elle est gratuite, laïque et ouverte à toutes les familles : "
            "la plupart des parents ne parlent pas breton à la maison.\n\n"
            "À la rentrée prochaine, 18 enfants de plus nous rejoignent. La mairie met une salle "
            "supplémentaire à notre disposition, mais elle est vide. Il faut l'équiper : tables "
            "et chaises adaptées, tableau, coin lecture, et surtout une bibliothèque d'environ "
            "400 livres et albums en breton, car les ouvrages jeunesse en breton restent rares "
            "et chers.\n\n"
            "La collecte finance aussi une partie de la première année de salaire d'une aide "
            "maternelle bretonnante, indispensable pour les tout-petits. Chaque euro compte : "
            "même si l'objectif n'est pas atteint, les dons iront directement à la classe."
        ),
        breton_connection=(
            "Les écoles Diwan (« germe » en breton) enseignent en immersion en breton depuis "
            "1977 ; à Vannes, les élèves découvrent aussi le breton vannetais des chanteurs du "
            "pays."
        ),
        category=Category.BRETON_LANGUAGE,
        departement=_56,
        commune="Vannes",
        owner=ERWAN,
        goal_cents=25_000 * EUR,
        funding_model=_KIA,
        stage=_LIVE,
        starts_days_ago=20,
        duration_days=60,
        funded_percent=64,
        extra_followers=40,
        tiers=(
            DemoTier(
                "Carte postale dessinée par les élèves",
                "Une carte illustrée par les enfants, avec un mot de remerciement en breton.",
                20 * EUR,
                backers=70,
                delivery_days_after_end=30,
            ),
            DemoTier(
                "L'imagier breton-français",
                "L'imagier de 200 mots réalisé par les classes, imprimé en Bretagne, et la "
                "carte postale.",
                50 * EUR,
                backers=60,
                delivery_days_after_end=60,
            ),
            DemoTier(
                "Votre prénom sur la fresque de la cour",
                "Votre prénom peint sur la fresque de la cour de récréation, réalisée avec un "
                "artiste vannetais, et l'imagier.",
                150 * EUR,
                backers=21,
                quantity_limit=60,
                delivery_days_after_end=120,
            ),
        ),
    ),
    DemoProject(
        slug="bezhin-mor-algues-lanildut",
        title="Bezhin Mor : des tartares d'algues bio récoltées dans l'Iroise",
        summary=(
            "Deux récoltantes de Lanildut lancent un atelier de transformation d'algues "
            "alimentaires bio, cueillies à la main à marée basse et cuisinées sur place."
        ),
        description=(
            "Lanildut est le premier port goémonier d'Europe, mais presque toutes les algues "
            "débarquées ici partent vers l'industrie, loin du pays. Nous sommes deux récoltantes "
            "à pied, formées à la biologie marine, et nous voulons transformer sur place une "
            "petite part de cette richesse : tartares d'algues, paillettes à saupoudrer, "
            "condiments.\n\n"
            "Nous récoltons à la main, à marée basse, dans le respect des quotas et des périodes "
            "de repos des champs d'algues. Toute notre production est certifiée bio.\n\n"
            "La collecte finance l'équipement de l'atelier : un séchoir basse température, une "
            "sertisseuse pour les bocaux, un autoclave et la mise aux normes sanitaires. Il nous "
            "faut la somme complète pour obtenir l'agrément et démarrer : la campagne est donc "
            "en « tout ou rien »."
        ),
        breton_connection=(
            "Un atelier de l'Aber-Ildut, au bord de la mer d'Iroise, qui valorise le savoir-faire "
            "goémonier transmis depuis des générations dans le Léon."
        ),
        category=Category.INNOVATION,
        departement=_29,
        commune="Lanildut",
        owner=MAIWENN,
        goal_cents=30_000 * EUR,
        funding_model=_AON,
        stage=_LIVE,
        starts_days_ago=10,
        duration_days=45,
        funded_percent=41,
        extra_followers=25,
        tiers=(
            DemoTier(
                "Coffret trois tartares",
                "Trois bocaux de 90 g : tartare nature, tartare au citron, condiment dulse-piment.",
                25 * EUR,
                backers=90,
                delivery_days_after_end=75,
            ),
            DemoTier(
                "Coffret découverte et sortie sur l'estran",
                "Le coffret, des paillettes à saupoudrer et une sortie de récolte commentée à "
                "marée basse, d'avril à septembre.",
                60 * EUR,
                backers=50,
                delivery_days_after_end=120,
            ),
            DemoTier(
                "Atelier cuisine des algues pour six",
                "Trois heures en cuisine avec une cheffe de Lanildut, pour vous et cinq amis, "
                "dégustation comprise.",
                250 * EUR,
                backers=4,
                quantity_limit=10,
                delivery_days_after_end=150,
            ),
        ),
    ),
    DemoProject(
        slug="podcast-klevet-rennes",
        title="« Klevet » : un podcast en breton fait par et pour les ados",
        summary=(
            "Douze épisodes en breton enregistrés avec des lycéens rennais : musique, sport, "
            "réseaux sociaux, et la langue telle qu'on la parle à seize ans."
        ),
        description=(
            "Les jeunes qui apprennent le breton à l'école, en filière bilingue ou chez Diwan, "
            "trouvent très peu de contenus à leur goût dans leur langue une fois rentrés chez "
            "eux. « Klevet » (« entendu ») veut combler ce vide avec un podcast conçu avec eux.\n\n"
            "Chaque épisode de vingt minutes est préparé et animé par deux lycéens, accompagnés "
            "par une journaliste bretonnante : le portrait d'un skateur rennais, un débat sur "
            "les réseaux sociaux, une rencontre avec un groupe de rap en breton, l'argot "
            "d'aujourd'hui…\n\n"
            "La collecte paie le matériel d'enregistrement, le mixage par un ingénieur du son, "
            "l'hébergement et la transcription bilingue de chaque épisode pour les apprenants. "
            "Au-delà de l'objectif, nous enregistrerons une deuxième saison avec un lycée de "
            "Basse-Bretagne. Pas de contrepartie matérielle : tous les donateurs seront "
            "remerciés, en breton, à la fin du premier épisode."
        ),
        breton_connection=(
            "Un projet de Ti ar Yezhoù, association rennaise de promotion du breton et du gallo, "
            "avec des lycéens des filières bilingues de Rennes."
        ),
        category=Category.BRETON_LANGUAGE,
        departement=_35,
        commune="Rennes",
        owner=NOLWENN,
        goal_cents=4_500 * EUR,
        funding_model=_KIA,
        stage=_LIVE,
        starts_days_ago=25,
        duration_days=30,
        funded_percent=118,
        extra_followers=18,
    ),
    DemoProject(
        slug="bistrot-cooperatif-lanvellec",
        title="Rouvrir le bistrot de Lanvellec en coopérative d'habitants",
        summary=(
            "Fermé depuis trois ans, le dernier café du bourg rouvre en coopérative : bar, dépôt "
            "de pain, point relais et petite scène pour les musiciens du coin."
        ),
        description=(
            "Quand le bistrot de Lanvellec a fermé, le bourg a perdu bien plus qu'un comptoir : "
            "le dernier endroit où l'on se croisait sans rendez-vous. Un an de réunions plus "
            "tard, 87 habitants ont créé une société coopérative d'intérêt collectif et racheté "
            "les murs avec l'aide de la commune.\n\n"
            "Le bistrot sera ouvert six jours sur sept, tenu par une salariée et des bénévoles. "
            "On y trouvera du pain et les produits des fermes voisines, un point relais colis, "
            "une petite scène pour les musiciens et un coin jeux pour les enfants.\n\n"
            "Il reste à financer la mise aux normes de la cuisine, l'accès pour les personnes à "
            "mobilité réduite et la licence IV. Sans la totalité de la somme, nous ne pourrons "
            "pas ouvrir : la campagne est en « tout ou rien »."
        ),
        breton_connection=(
            "Un café de village du Trégor qui accueillera chaque mardi un « kafe brezhoneg », "
            "soirée de conversation pour les bretonnants et les apprenants."
        ),
        category=Category.SOLIDARITY,
        departement=_22,
        commune="Lanvellec",
        owner=YANN,
        goal_cents=18_000 * EUR,
        funding_model=_AON,
        stage=_LIVE,
        starts_days_ago=38,
        duration_days=45,
        funded_percent=93,
        extra_followers=22,
        tiers=(
            DemoTier(
                "Un café suspendu",
                "Un café offert à un habitant qui en a besoin, et votre nom sur l'ardoise des "
                "fondateurs.",
                20 * EUR,
                backers=90,
                delivery_days_after_end=90,
            ),
            DemoTier(
                "Carte de cinq consommations",
                "Cinq consommations au bistrot, valables un an après l'ouverture.",
                50 * EUR,
                backers=70,
                delivery_days_after_end=90,
            ),
            DemoTier(
                "Le dîner d'ouverture",
                "Une place au dîner d'inauguration, cuisiné avec les produits des fermes "
                "voisines, concert compris.",
                120 * EUR,
                backers=37,
                quantity_limit=40,
                delivery_days_after_end=90,
            ),
            DemoTier(
                "La salle pour une soirée",
                "Le bistrot rien que pour vous le temps d'une soirée : anniversaire, réunion ou "
                "répétition, boissons non comprises.",
                300 * EUR,
                backers=2,
                quantity_limit=5,
                delivery_days_after_end=120,
            ),
        ),
    ),
    DemoProject(
        slug="chapelle-saint-meriadec-baud",
        title="Sauver les vitraux de la chapelle Saint-Mériadec, à Baud",
        summary=(
            "Une chapelle du XVIe siècle au cœur d'un hameau de Baud : ses vitraux se décrochent "
            "et la pluie entre. Les voisins se mobilisent avant l'hiver."
        ),
        description=(
            "La chapelle Saint-Mériadec veille depuis le XVIe siècle sur le hameau de Kerlann, à "
            "quelques kilomètres du bourg de Baud. Chaque été, son pardon rassemble encore "
            "plusieurs centaines de personnes autour de la procession, du repas et du "
            "fest-deiz.\n\n"
            "Le diagnostic d'une architecte du patrimoine est sans appel : les plombs des "
            "vitraux ont cédé, plusieurs panneaux menacent de tomber et l'eau s'infiltre jusqu'à "
            "la charpente. La commune, le Département et la Région financent la charpente et la "
            "couverture ; il reste 35 000 € pour restaurer les six baies et leurs vitraux.\n\n"
            "Les vitraux seront déposés et restaurés par un atelier de maîtres verriers du "
            "Morbihan, puis reposés derrière des grillages de protection. Notre association "
            "organisera des visites du chantier pour les donateurs."
        ),
        breton_connection=(
            "Une chapelle de pardon du pays vannetais, entretenue depuis quarante ans par les "
            "habitants du hameau réunis en association."
        ),
        category=Category.HERITAGE,
        departement=_56,
        commune="Baud",
        owner=LOIC,
        goal_cents=35_000 * EUR,
        funding_model=_AON,
        stage=_LIVE,
        starts_days_ago=5,
        duration_days=60,
        funded_percent=22,
        extra_followers=15,
        tiers=(
            DemoTier(
                "Carte postale et invitation au pardon",
                "Une carte de la chapelle dessinée à la plume et une invitation au repas du "
                "pardon d'août.",
                30 * EUR,
                backers=70,
                delivery_days_after_end=60,
            ),
            DemoTier(
                "Visite du chantier",
                "Une visite commentée du chantier avec le maître verrier, et votre nom dans le "
                "livret de la restauration.",
                100 * EUR,
                backers=20,
                delivery_days_after_end=180,
            ),
            DemoTier(
                "Parrainer un panneau de vitrail",
                "Votre nom, ou celui d'un proche, inscrit au registre de la chapelle à côté du "
                "panneau que vous parrainez.",
                500 * EUR,
                backers=3,
                quantity_limit=12,
                delivery_days_after_end=300,
            ),
        ),
    ),
    DemoProject(
        slug="voile-pour-tous-saint-malo",
        title="Un catamaran adapté pour que tout le monde navigue à Saint-Malo",
        summary=(
            "Notre club veut un catamaran accessible en fauteuil et un lève-personne sur le "
            "ponton, pour faire naviguer les personnes en situation de handicap."
        ),
        description=(
            "Depuis six ans, notre école de voile accueille des personnes en situation de "
            "handicap moteur, sensoriel ou mental, avec deux moniteurs formés à "
            "l'accompagnement. Mais nos bateaux ne sont pas faits pour cela : monter à bord "
            "depuis un fauteuil tient de l'acrobatie, et nous refusons des demandes chaque "
            "semaine.\n\n"
            "Nous voulons acheter un catamaran conçu pour la voile adaptée, avec sièges de "
            "transfert et commandes accessibles, et installer sur notre ponton un lève-personne "
            "et une rampe. Ce bateau permettra des sorties encadrées sur la Rance et dans la "
            "baie, pour les instituts spécialisés, les familles et nos licenciés.\n\n"
            "Le budget total est de 68 000 € ; le club et ses partenaires en apportent "
            "26 000 €. La collecte finance les 42 000 € restants."
        ),
        breton_connection=(
            "Un club malouin qui fait naviguer depuis trente ans les enfants du pays sur la "
            "Rance et entre les îlots de la baie de Saint-Malo."
        ),
        category=Category.SPORT,
        departement=_35,
        commune="Saint-Malo",
        owner=TANGUY,
        goal_cents=42_000 * EUR,
        funding_model=_AON,
        stage=_LIVE,
        starts_days_ago=30,
        duration_days=60,
        funded_percent=57,
        extra_followers=30,
        tiers=(
            DemoTier(
                "Sticker et carnet de bord",
                "Le sticker du bateau et un carnet de bord numérique avec les photos des "
                "premières sorties.",
                25 * EUR,
                backers=80,
                delivery_days_after_end=90,
            ),
            DemoTier(
                "Baptême de voile pour deux",
                "Une sortie de deux heures en baie de Saint-Malo, pour vous et la personne de "
                "votre choix.",
                80 * EUR,
                backers=70,
                delivery_days_after_end=240,
            ),
            DemoTier(
                "Votre prénom sur la coque",
                "Votre prénom peint sur la coque du catamaran, parmi ceux des premiers soutiens.",
                200 * EUR,
                backers=18,
                quantity_limit=50,
                delivery_days_after_end=180,
            ),
        ),
    ),
    DemoProject(
        slug="bagad-guerande-instruments",
        title="Des cornemuses et des caisses claires neuves pour le bagad de Guérande",
        summary=(
            "Trente sonneurs et batteurs, dont quinze jeunes formés à l'école du bagad, jouaient "
            "sur des instruments prêtés et fatigués. Place au neuf !"
        ),
        description=(
            "Notre bagad réunit une trentaine de musiciens de 12 à 70 ans, qui répètent chaque "
            "vendredi soir et animent les fêtes de la presqu'île guérandaise. Depuis trois ans, "
            "notre école forme une quinzaine de jeunes à la cornemuse, à la bombarde et à la "
            "caisse claire.\n\n"
            "Le problème : beaucoup d'instruments sont prêtés, anciens ou abîmés. Les "
            "cornemuses ne tiennent plus l'accord, plusieurs caisses claires ont un fût fendu, "
            "et les jeunes qui progressent n'ont pas d'instrument à eux.\n\n"
            "La collecte finance six cornemuses, quatre bombardes et cinq caisses claires "
            "commandées à des luthiers bretons, avec leurs housses de transport. Si l'objectif "
            "est dépassé, nous renouvellerons aussi les gilets brodés du bagad."
        ),
        breton_connection=(
            "Le bagad de Gwenrann, nom breton de Guérande, joue le répertoire du pays guérandais "
            "et des marais salants, en Bretagne historique."
        ),
        category=Category.CULTURE,
        departement=_44,
        commune="Guérande",
        owner=ANNA,
        goal_cents=12_000 * EUR,
        funding_model=_AON,
        stage=_SUCCEEDED,
        starts_days_ago=80,
        duration_days=45,
        funded_percent=126,
        extra_followers=20,
        tiers=(
            DemoTier(
                "Votre nom dans le livret",
                "Votre nom dans le livret du concert de présentation des nouveaux instruments.",
                20 * EUR,
                backers=100,
                delivery_days_after_end=45,
            ),
            DemoTier(
                "Le disque enregistré en public",
                "Le disque du concert de présentation, enregistré en public, et votre nom dans "
                "le livret.",
                45 * EUR,
                backers=80,
                delivery_days_after_end=120,
            ),
            DemoTier(
                "Des sonneurs pour votre fête",
                "Un couple de sonneurs et un batteur pour animer votre mariage ou votre fête, "
                "dans le pays guérandais.",
                250 * EUR,
                backers=8,
                quantity_limit=8,
                delivery_days_after_end=365,
            ),
        ),
    ),
    DemoProject(
        slug="album-heron-vilaine-redon",
        title="« Le héron de la Vilaine » : un album en breton, gallo et français",
        summary=(
            "Une autrice et un illustrateur du pays de Redon publient un album trilingue pour "
            "les 3-7 ans, avec une version audio lue par des enfants des écoles."
        ),
        description=(
            "Un petit héron a perdu son reflet dans la Vilaine. Pour le retrouver, il remonte "
            "le fleuve jusqu'aux marais de Redon et croise en chemin une loutre qui parle gallo "
            "et un vieux bateau qui ne parle que breton.\n\n"
            "Cet album de 32 pages, écrit par une autrice du pays de Redon et illustré à "
            "l'aquarelle, présente chaque page en trois langues : le français, le gallo, langue "
            "romane de Haute-Bretagne, et le breton. Une version audio, lue par des élèves des "
            "écoles du pays, sera accessible par un QR code.\n\n"
            "La collecte finance l'impression de 1 500 exemplaires chez un imprimeur breton, les "
            "relectures par des locuteurs des deux langues et l'enregistrement audio. Un "
            "exemplaire sera offert à chaque école maternelle du pays de Redon."
        ),
        breton_connection=(
            "Redon, au carrefour de la Vilaine et du canal de Nantes à Brest, est à la rencontre "
            "du gallo et du breton : l'album réunit les deux langues de Bretagne."
        ),
        category=Category.BRETON_LANGUAGE,
        departement=_35,
        commune="Redon",
        owner=NOLWENN,
        goal_cents=5_000 * EUR,
        funding_model=_KIA,
        stage=_LIVE,
        starts_days_ago=26,
        duration_days=40,
        funded_percent=86,
        extra_followers=12,
        tiers=(
            DemoTier(
                "L'album",
                "Un exemplaire de l'album, envoyé dès sa sortie.",
                20 * EUR,
                backers=60,
                delivery_days_after_end=90,
            ),
            DemoTier(
                "L'album dédicacé et son affiche",
                "L'album dédicacé par l'autrice et l'illustrateur, avec une affiche A3 du héron.",
                35 * EUR,
                backers=30,
                delivery_days_after_end=90,
            ),
            DemoTier(
                "Lot pour une classe",
                "Cinq albums et le livret pédagogique, pour une classe ou une médiathèque.",
                80 * EUR,
                backers=11,
                quantity_limit=30,
                delivery_days_after_end=100,
            ),
        ),
    ),
    DemoProject(
        slug="lanterne-boite-a-histoires-nantes",
        title="Lanterne : la boîte à histoires sans écran qui parle breton",
        summary=(
            "Une conteuse et deux ingénieurs nantais fabriquent une boîte à histoires pour "
            "enfants, réparable et sans écran, avec des contes en breton et en français."
        ),
        description=(
            "Lanterne est une petite boîte en hêtre, avec un gros bouton et un haut-parleur. "
            "L'enfant pose une carte illustrée dessus et l'histoire commence : pas d'écran, pas "
            "de publicité, pas de connexion obligatoire.\n\n"
            "Nous l'avons conçue à Nantes pour qu'elle dure : vis apparentes, pièces détachées "
            "vendues à prix coûtant, plans publiés sous licence libre. Les 40 premières "
            "histoires, enregistrées par des conteurs de toute la Bretagne, existent en breton "
            "et en français : l'enfant change de langue en retournant la carte.\n\n"
            "Les prototypes ont été testés pendant six mois dans trois crèches et deux écoles. "
            "La collecte finance la première série de 300 boîtes : cartes électroniques "
            "assemblées près de Nantes, boîtiers fabriqués par un menuisier de Loire-Atlantique, "
            "impression des cartes. En dessous de 20 000 €, la série ne peut pas être lancée : "
            "c'est tout ou rien."
        ),
        breton_connection=(
            "Une jeune entreprise nantaise qui fait entendre le breton aux enfants de "
            "Loire-Atlantique, où la langue revient dans les écoles bilingues."
        ),
        category=Category.INNOVATION,
        departement=_44,
        commune="Nantes",
        owner=KLERVI,
        goal_cents=20_000 * EUR,
        funding_model=_AON,
        stage=_LIVE,
        starts_days_ago=28,
        duration_days=30,
        funded_percent=140,
        extra_followers=38,
        tiers=(
            DemoTier(
                "Cinq cartes histoires",
                "Cinq cartes illustrées et leurs histoires en breton et en français, pour une "
                "Lanterne ou à offrir.",
                35 * EUR,
                backers=40,
                delivery_days_after_end=120,
            ),
            DemoTier(
                "Une Lanterne de la première série",
                "Une boîte Lanterne numérotée de la première série, avec dix cartes histoires.",
                90 * EUR,
                backers=110,
                quantity_limit=300,
                delivery_days_after_end=150,
            ),
            DemoTier(
                "Lanterne et vingt histoires",
                "Une Lanterne de la première série et vingt cartes histoires, dont cinq inédites.",
                150 * EUR,
                backers=45,
                quantity_limit=100,
                delivery_days_after_end=150,
            ),
            DemoTier(
                "Trois Lanterne pour une crèche ou une école",
                "Trois boîtes et toute la collection d'histoires, livrées et présentées à "
                "l'équipe par la conteuse.",
                400 * EUR,
                backers=6,
                quantity_limit=20,
                delivery_days_after_end=180,
            ),
        ),
    ),
    DemoProject(
        slug="epicerie-cooperative-ouessant",
        title="Une épicerie coopérative ouverte toute l'année à Ouessant",
        summary=(
            "Des habitants de l'île créent une épicerie coopérative : produits de l'île, prix "
            "justes et livraison à domicile pour les anciens des hameaux."
        ),
        description=(
            "À Ouessant, tout ce qui se mange arrive par le bateau depuis Le Conquet ou Brest, "
            "et les prix s'en ressentent. L'hiver, quand le temps empêche les traversées, les "
            "rayons se vident vite. Une trentaine d'habitants ont décidé de créer une épicerie "
            "coopérative, gérée par ses membres et ouverte toute l'année.\n\n"
            "Nous voulons grouper les commandes pour réduire les frais de transport, vendre les "
            "légumes, le miel et les produits de la mer de l'île, et livrer chaque semaine les "
            "personnes âgées qui vivent loin du bourg de Lampaul.\n\n"
            "La collecte finance une chambre froide, les étagères et la caisse, un triporteur "
            "électrique pour les livraisons et le premier stock. Tout ce qui sera collecté "
            "servira au projet, même si l'objectif n'est pas atteint."
        ),
        breton_connection=(
            "Ouessant, Eusa en breton, est l'île la plus à l'ouest de la Bretagne ; la "
            "coopérative est portée par des Ouessantins de naissance et d'adoption."
        ),
        category=Category.SOLIDARITY,
        departement=_29,
        commune="Ouessant",
        owner=SOIZIC,
        goal_cents=20_000 * EUR,
        funding_model=_KIA,
        stage=_LIVE,
        starts_days_ago=12,
        duration_days=45,
        funded_percent=48,
        extra_followers=27,
        tiers=(
            DemoTier(
                "Carte postale de l'île",
                "Une carte postale du phare du Créac'h et votre nom sur le mur des coopérateurs.",
                15 * EUR,
                backers=90,
                delivery_days_after_end=30,
            ),
            DemoTier(
                "Colis de produits de l'île",
                "Un colis de produits de l'île : miel, biscuits, confiture et sel aux algues.",
                50 * EUR,
                backers=60,
                delivery_days_after_end=90,
            ),
            DemoTier(
                "Une journée avec l'équipe",
                "Une journée à nos côtés : arrivée du bateau, mise en rayon et tournée de "
                "livraison dans les hameaux (traversée non comprise).",
                150 * EUR,
                backers=3,
                quantity_limit=10,
                delivery_days_after_end=180,
            ),
        ),
    ),
    DemoProject(
        slug="surf-club-guidel-minibus",
        title="Un minibus pour emmener les jeunes du surf club de Guidel à l'eau",
        summary=(
            "Sans véhicule, le club ne peut pas conduire ses soixante jeunes licenciés vers les "
            "spots de la côte ni vers les compétitions régionales."
        ),
        description=(
            "Notre club de surf compte 140 licenciés, dont une soixantaine de moins de 16 ans. "
            "Selon la houle et le vent, les bonnes conditions ne sont pas toujours à "
            "Guidel-Plages : il faut parfois aller jusqu'à la presqu'île de Quiberon ou dans le "
            "sud du Finistère.\n\n"
            "Aujourd'hui, ce sont les parents qui se relaient en voiture, quand ils le peuvent. "
            "Beaucoup de jeunes manquent des entraînements et des compétitions faute de "
            "transport.\n\n"
            "La collecte finance l'achat d'un minibus de neuf places d'occasion, équipé d'une "
            "galerie pour les planches, et son assurance pour deux ans. Sans la totalité de la "
            "somme, nous ne pourrons pas l'acheter : la campagne est en « tout ou rien »."
        ),
        breton_connection=(
            "Un club associatif du pays de Lorient, né sur la plage de Guidel, qui forme les "
            "jeunes surfeurs de la côte morbihannaise."
        ),
        category=Category.SPORT,
        departement=_56,
        commune="Guidel",
        owner=RONAN,
        goal_cents=16_000 * EUR,
        funding_model=_AON,
        stage=_FAILED,
        starts_days_ago=100,
        duration_days=40,
        funded_percent=38,
        extra_followers=9,
        tiers=(
            DemoTier(
                "Wax et sticker du club",
                "Un pain de wax et le sticker du club, envoyés par la poste.",
                20 * EUR,
                backers=70,
                delivery_days_after_end=30,
            ),
            DemoTier(
                "Cours d'initiation",
                "Un cours d'initiation de deux heures, planche et combinaison fournies.",
                60 * EUR,
                backers=30,
                delivery_days_after_end=180,
            ),
            DemoTier(
                "Votre logo sur le minibus",
                "Le logo de votre entreprise ou de votre association sur le minibus pendant "
                "deux ans.",
                150 * EUR,
                backers=5,
                quantity_limit=15,
                delivery_days_after_end=60,
            ),
        ),
    ),
    DemoProject(
        slug="repair-cafe-saint-brieuc",
        title="Un atelier permanent pour le Repair Café de Saint-Brieuc",
        summary=(
            "Nos bénévoles réparent déjà 600 objets par an dans des salles prêtées : nous "
            "voulons un local ouvert chaque semaine, avec un outillage partagé."
        ),
        description=(
            "Une fois par mois depuis cinq ans, une vingtaine de bénévoles, bricoleurs, "
            "couturières et électroniciens, réparent gratuitement avec vous grille-pain, vélos, "
            "lampes, ordinateurs et vêtements. Plus de 600 objets sont sauvés chaque année de la "
            "déchetterie.\n\n"
            "Mais chaque séance impose de déménager tout le matériel d'une salle à l'autre. Un "
            "bailleur social nous propose un local en rez-de-chaussée, pour un loyer modeste.\n\n"
            "La collecte finance l'établi, l'outillage électroportatif, une station de soudure, "
            "des rangements et les trois premiers mois de loyer. Pas de contrepartie "
            "matérielle : chaque donateur sera invité à l'inauguration, et sa première "
            "réparation passera en priorité."
        ),
        breton_connection=(
            "Une association briochine qui partage les savoir-faire des bricoleurs du pays de "
            "Saint-Brieuc, dans l'esprit d'entraide des ateliers de quartier."
        ),
        category=Category.ENVIRONMENT,
        departement=_22,
        commune="Saint-Brieuc",
        owner=KATELL,
        goal_cents=3_000 * EUR,
        funding_model=_KIA,
        stage=_LIVE,
        starts_days_ago=3,
        duration_days=30,
        funded_percent=5,
        extra_followers=6,
    ),
    DemoProject(
        slug="chaloupe-santez-anna-douarnenez",
        title="Remettre à l'eau la chaloupe sardinière « Santez Anna »",
        summary=(
            "Construite en 1938 à Douarnenez, cette chaloupe à deux mâts dort sous une bâche "
            "depuis six ans. Des bénévoles veulent la faire naviguer pour les fêtes maritimes."
        ),
        description=(
            "La « Santez Anna » a pêché la sardine en baie de Douarnenez jusque dans les années "
            "1950, avec six hommes à bord et ses deux voiles au tiers. Rachetée par une "
            "association dans les années 1980, elle a longtemps navigué avant d'être mise à "
            "terre, la coque fatiguée.\n\n"
            "Un charpentier de marine l'a expertisée : la quille est saine, mais il faut "
            "remplacer une douzaine de membrures, une partie du bordé en chêne et le pont. Les "
            "bénévoles de l'association travailleront aux côtés du charpentier et de deux "
            "apprentis.\n\n"
            "La collecte finance le bois (chêne et pin d'Oregon), la quincaillerie, le calfatage "
            "et un nouveau jeu de voiles. Si l'objectif est dépassé, nous aménagerons le bateau "
            "pour accueillir des personnes à mobilité réduite."
        ),
        breton_connection=(
            "Un bateau de travail construit à Douarnenez, témoin de l'histoire sardinière du "
            "port, restauré par des bénévoles du pays."
        ),
        category=Category.HERITAGE,
        departement=_29,
        commune="Douarnenez",
        owner=GOULVEN,
        goal_cents=28_000 * EUR,
        funding_model=_AON,
        stage=_LIVE,
        starts_days_ago=42,
        duration_days=45,
        funded_percent=104,
        extra_followers=31,
        tiers=(
            DemoTier(
                "Affiche du chantier",
                "Une affiche de la « Santez Anna » sous voiles, dessinée par un illustrateur "
                "douarneniste.",
                25 * EUR,
                backers=80,
                delivery_days_after_end=60,
            ),
            DemoTier(
                "Visite du chantier et apéritif",
                "Une visite du chantier avec le charpentier, suivie d'un apéritif sur le quai.",
                60 * EUR,
                backers=70,
                delivery_days_after_end=150,
            ),
            DemoTier(
                "Une sortie en mer à bord",
                "Une demi-journée de navigation en baie de Douarnenez, à la manœuvre avec "
                "l'équipage.",
                150 * EUR,
                backers=24,
                quantity_limit=24,
                delivery_days_after_end=300,
            ),
            DemoTier(
                "Votre nom sur le banc de nage",
                "Votre nom gravé sur le banc de nage et une place à bord pour la remise à l'eau.",
                500 * EUR,
                backers=7,
                quantity_limit=10,
                delivery_days_after_end=300,
            ),
        ),
    ),
    DemoProject(
        slug="pressoir-mobile-fougeres",
        title="Un pressoir mobile pour les vergers haute-tige du pays de Fougères",
        summary=(
            "Cinq cidriers bio veulent un pressoir sur remorque qui passe de ferme en ferme, "
            "pour que les pommes des vieux vergers ne pourrissent plus au pied des arbres."
        ),
        description=(
            "Dans le pays de Fougères, des milliers de pommiers haute-tige ne sont plus "
            "récoltés : trop loin d'un pressoir, trop peu de pommes pour valoir le déplacement. "
            "Ces vieux vergers sont pourtant des refuges pour la chouette chevêche, les abeilles "
            "et des dizaines de variétés locales.\n\n"
            "Nous sommes cinq producteurs de cidre bio réunis en coopérative. Nous avons trouvé "
            "un pressoir à bande d'occasion que nous voulons installer sur une remorque, avec un "
            "broyeur et un pasteurisateur, pour presser directement chez les particuliers et "
            "les petites fermes.\n\n"
            "La collecte finance l'achat et la remise en état du pressoir, la remorque "
            "homologuée et la mise aux normes sanitaires. Sans la totalité de la somme, le "
            "pressoir ne pourra pas rouler : c'est tout ou rien."
        ),
        breton_connection=(
            "Des cidriers du pays de Fougères, terre de vergers de Haute-Bretagne, qui "
            "sauvegardent les variétés de pommes anciennes de la région."
        ),
        category=Category.ENVIRONMENT,
        departement=_35,
        commune="Fougères",
        owner=MATHURIN,
        goal_cents=24_000 * EUR,
        funding_model=_AON,
        stage=_LIVE,
        starts_days_ago=9,
        duration_days=30,
        funded_percent=31,
        extra_followers=14,
        tiers=(
            DemoTier(
                "Deux bouteilles de cidre brut",
                "Deux bouteilles de cidre brut bio de la coopérative, à retirer à la ferme ou "
                "dans nos points de vente.",
                20 * EUR,
                backers=90,
                delivery_days_after_end=120,
            ),
            DemoTier(
                "Six bouteilles et une visite du verger",
                "Cidre brut, cidre doux et jus de pomme, avec une visite guidée d'un verger "
                "haute-tige.",
                45 * EUR,
                backers=50,
                delivery_days_after_end=150,
            ),
            DemoTier(
                "Le pressoir chez vous",
                "Le pressoir vient presser vos pommes à domicile, jusqu'à 500 kg, dans le pays "
                "de Fougères.",
                120 * EUR,
                backers=5,
                quantity_limit=15,
                delivery_days_after_end=330,
            ),
        ),
    ),
    DemoProject(
        slug="haies-bocageres-clisson",
        title="Replanter quatre kilomètres de haies entre les vignes de Clisson",
        summary=(
            "Vignerons, écoliers et voisins replantent des haies champêtres pour abriter oiseaux "
            "et insectes auxiliaires, et retenir l'eau sur les coteaux de la Sèvre."
        ),
        description=(
            "En cinquante ans, le vignoble autour de Clisson a perdu la plupart de ses haies. "
            "Résultat : des coteaux qui ravinent à chaque orage, moins d'oiseaux et d'insectes "
            "pour réguler les ravageurs de la vigne, et des paysages nus.\n\n"
            "Avec huit vignerons volontaires, trois écoles et un technicien bocage, notre "
            "association a tracé quatre kilomètres de haies en bordure de parcelles et le long "
            "des chemins. Les plantations auront lieu cet hiver, lors de chantiers ouverts à "
            "tous, un samedi par mois.\n\n"
            "La collecte paie 6 000 jeunes plants d'essences locales (charme, noisetier, "
            "cormier, aubépine), le paillage naturel, les protections contre les chevreuils et "
            "les outils. Chaque don sera utilisé, même si l'objectif n'est pas atteint. Pas de "
            "contrepartie : venez planter avec nous !"
        ),
        breton_connection=(
            "Clisson et le vignoble nantais font partie de la Bretagne historique ; les haies "
            "replantées renouent avec le bocage qui entourait jadis les vignes du pays."
        ),
        category=Category.ENVIRONMENT,
        departement=_44,
        commune="Clisson",
        owner=ELODIE,
        goal_cents=9_000 * EUR,
        funding_model=_KIA,
        stage=_LIVE,
        starts_days_ago=14,
        duration_days=60,
        funded_percent=67,
        extra_followers=19,
    ),
)


def demo_users() -> tuple[DemoPerson, ...]:
    owners = {project.owner.number: project.owner for project in DEMO_PROJECTS}
    return tuple(owners.values()) + demo_contributors()


# --- Pledges -----------------------------------------------------------------------------------


def plan_backing(project: DemoProject, now: datetime) -> Backing:
    """The pledges and follows of `project`, the same on every load (up to `now`)."""
    rng = _seeded(project.slug)
    amounts = _reward_amounts(project, rng)
    amounts += _gift_amounts(project, rng, amounts)
    rng.shuffle(amounts)
    times = _pledge_times(project, now, rng, len(amounts))
    contributors = [person.user_id for person in demo_contributors()]
    backers = _backers(rng, contributors, len(amounts))
    pledges = tuple(
        PlannedPledge(user_id, amount, position, paid_at)
        for user_id, (amount, position), paid_at in zip(backers, amounts, times, strict=True)
    )
    return Backing(pledges, _followers(project, now, rng, pledges, contributors))


def _backers(rng: random.Random, contributors: list[int], count: int) -> list[int]:
    """Who made each pledge: mostly different people, a few coming back to give again."""
    newcomers = rng.sample(contributors, len(contributors))
    backers: list[int] = []
    for _ in range(count):
        returning = backers and (rng.random() < 0.05 or not newcomers)
        backers.append(rng.choice(backers) if returning else newcomers.pop())
    return backers


def _reward_amounts(project: DemoProject, rng: random.Random) -> list[tuple[int, int | None]]:
    """(amount, tier position) of the pledges that chose a reward; some add a little more."""
    amounts: list[tuple[int, int | None]] = [
        (tier.min_amount_cents + rng.choice(_TIPS), position)
        for position, tier in enumerate(project.tiers)
        for _ in range(tier.backers)
    ]
    if sum(amount for amount, _ in amounts) > project.raised_target_cents:
        raise ValueError(f"{project.slug}: the rewards alone exceed the amount raised")
    return amounts


def _gift_amounts(
    project: DemoProject, rng: random.Random, rewards: list[tuple[int, int | None]]
) -> list[tuple[int, int | None]]:
    """Pledges without reward, up to the exact amount raised: mostly small, a few patrons."""
    remaining = project.raised_target_cents - sum(amount for amount, _ in rewards)
    gifts: list[tuple[int, int | None]] = []
    while remaining > 0:
        room = _MAX_PLEDGES - len(rewards) - len(gifts)
        table = _PATRON_GIFTS if remaining > room * _EVERYDAY_MEAN else _EVERYDAY_GIFTS
        amount = rng.choices([a for a, _ in table], [w for _, w in table])[0]
        if amount > remaining:  # the last gifts: the largest usual amount that still fits
            amount = max(a for a, _ in _EVERYDAY_GIFTS + _PATRON_GIFTS if a <= remaining)
        gifts.append((amount, None))
        remaining -= amount
    return gifts


def _pledge_times(
    project: DemoProject, now: datetime, rng: random.Random, count: int
) -> list[datetime]:
    """Payment times, crowded at the start and the end of the campaign as usual."""
    timeline = Timeline.of(project, now)
    last = min(timeline.ends_at, now) - timedelta(minutes=5)
    span = (last - timeline.starts_at).total_seconds()
    offsets = sorted(rng.betavariate(0.6, 0.8) * span for _ in range(count))
    return [timeline.starts_at + timedelta(seconds=round(offset)) for offset in offsets]


def _followers(
    project: DemoProject,
    now: datetime,
    rng: random.Random,
    pledges: tuple[PlannedPledge, ...],
    contributors: list[int],
) -> tuple[tuple[int, datetime], ...]:
    """Contributors follow from their first pledge on; a few others follow without paying."""
    since: dict[int, datetime] = {}
    for pledge in sorted(pledges, key=lambda pledge: pledge.paid_at):
        since.setdefault(pledge.user_id, pledge.paid_at)
    onlookers = [user_id for user_id in contributors if user_id not in since]
    timeline = Timeline.of(project, now)
    window = (min(now, timeline.ends_at) - timeline.starts_at).total_seconds()
    for user_id in rng.sample(onlookers, project.extra_followers):
        since[user_id] = timeline.starts_at + timedelta(seconds=round(rng.random() * window))
    return tuple(since.items())


# --- Loading -----------------------------------------------------------------------------------


async def load_demo_data(
    sessions: async_sessionmaker[AsyncSession], now: datetime | None = None
) -> DemoReport:
    """Add the demo projects missing from the database, with their owners, pledges and follows."""
    now = now or utcnow()
    created = already_present = pledges = 0
    async with sessions.begin() as session:
        await _add_missing_users(session, now)
        existing = set(await session.scalars(select(Project.slug).where(Project.slug.is_not(None))))
        for project in DEMO_PROJECTS:
            if project.slug in existing:
                already_present += 1
                continue
            pledges += await _add_project(session, project, now)
            created += 1
    return DemoReport(created=created, already_present=already_present, pledges=pledges)


async def _add_missing_users(session: AsyncSession, now: datetime) -> None:
    in_range = User.id.between(DEMO_USER_ID_BASE, DEMO_USER_ID_BASE + DEMO_USER_ID_SPAN - 1)
    present = set(await session.scalars(select(User.id).where(in_range)))
    session.add_all(
        _demo_user(person, now) for person in demo_users() if person.user_id not in present
    )
    await session.flush()


def _demo_user(person: DemoPerson, now: datetime) -> User:
    return User(
        id=person.user_id,
        first_name=person.first_name,
        last_name=person.last_name,
        telegram_language="fr",
        locale=person.locale,
        locale_chosen=True,
        home_departement=person.home,
        # Nobody is behind these ids: marked as having blocked the bot, they are skipped by
        # every notification, news post and reminder, so no message is ever attempted to them.
        blocked=True,
        blocked_at=now,
        created_at=now,
        updated_at=now,
        last_seen_at=now,
    )


async def _add_project(session: AsyncSession, demo: DemoProject, now: datetime) -> int:
    """Insert one project with its rewards, pledges and follows; returns the pledges added."""
    backing = plan_backing(demo, now)
    project = _new_project(demo, now)
    project.reward_tiers = [
        _new_tier(demo, position, tier, now) for position, tier in enumerate(demo.tiers)
    ]
    _cache_counters(demo, project, backing)
    session.add(project)
    await session.flush()  # the ids of the project and its rewards
    tier_ids = [tier.id for tier in project.reward_tiers]
    refunded_at = _refund_time(demo, now)
    # Bulk inserts: thousands of rows, no need for an object each.
    await session.execute(
        insert(Pledge),
        [_pledge_row(pledge, project.id, tier_ids, refunded_at) for pledge in backing.pledges],
    )
    await session.execute(
        insert(Follow),
        [
            {"user_id": user_id, "project_id": project.id, "created_at": since}
            for user_id, since in backing.followers
        ],
    )
    return len(backing.pledges)


def _new_project(demo: DemoProject, now: datetime) -> Project:
    timeline = Timeline.of(demo, now)
    return Project(
        owner_id=demo.owner.user_id,
        status=demo.stage,
        slug=demo.slug,
        title=demo.title,
        summary=demo.summary,
        description=demo.description,
        breton_connection=demo.breton_connection,
        category=demo.category,
        departement=demo.departement,
        commune=demo.commune,
        search_text=search_key(demo.title, demo.summary, demo.commune),
        goal_cents=demo.goal_cents,
        funding_model=demo.funding_model,
        duration_days=demo.duration_days,
        starts_at=timeline.starts_at,
        ends_at=timeline.ends_at,
        photo_file_id=demo.photo_file_id,
        submitted_at=timeline.starts_at - timedelta(days=4, hours=3),
        closed_at=timeline.closed_at,
        created_at=timeline.starts_at - timedelta(days=12),
        updated_at=timeline.closed_at or timeline.starts_at,
    )


def _new_tier(demo: DemoProject, position: int, tier: DemoTier, now: datetime) -> RewardTier:
    delivery = None
    if tier.delivery_days_after_end is not None:
        ends_at = Timeline.of(demo, now).ends_at
        delivery = (ends_at + timedelta(days=tier.delivery_days_after_end)).date()
    return RewardTier(
        position=position,
        title=tier.title,
        description=tier.description,
        min_amount_cents=tier.min_amount_cents,
        quantity_limit=tier.quantity_limit,
        claimed_count=0 if demo.refunded else tier.backers,
        estimated_delivery=delivery,
    )


def _refund_time(demo: DemoProject, now: datetime) -> datetime | None:
    closed_at = Timeline.of(demo, now).closed_at
    return closed_at + timedelta(hours=2) if demo.refunded and closed_at else None


def _pledge_row(
    pledge: PlannedPledge, project_id: int, tier_ids: list[int], refunded_at: datetime | None
) -> dict[str, Any]:
    return {
        "user_id": pledge.user_id,
        "project_id": project_id,
        "reward_tier_id": None if pledge.tier_position is None else tier_ids[pledge.tier_position],
        "amount_cents": pledge.amount_cents,
        "status": PledgeStatus.PAID if refunded_at is None else PledgeStatus.REFUNDED,
        "paid_at": pledge.paid_at,
        "refunded_at": refunded_at,
        "created_at": pledge.paid_at - timedelta(minutes=3),
        "updated_at": refunded_at or pledge.paid_at,
    }


def _cache_counters(demo: DemoProject, project: Project, backing: Backing) -> None:
    """The cached figures, as the payment flow would have left them: only paid pledges count."""
    paid = [] if demo.refunded else backing.pledges
    project.raised_cents = sum(pledge.amount_cents for pledge in paid)
    project.contributors_count = len({pledge.user_id for pledge in paid})
    project.followers_count = len(backing.followers)
    percent = project.raised_cents * 100 // project.goal_cents
    # Milestones already passed are marked announced: no follower alert for old news.
    project.milestone_notified = 100 if percent >= 100 else 50 if percent >= 50 else 0
