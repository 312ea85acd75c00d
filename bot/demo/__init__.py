"""Demo projects for `kengo-bot demo-data`: a credible, idempotent catalogue to try the bot on.

The projects, associations and people are fictional; the communes are real. The content is in
projects.toml (read by `catalogue`); every figure is derived from a per-project seed (`backing`),
so loading the data anywhere gives the same amounts. Projects are keyed by slug: reloading skips
the projects already present, pledges included (`loader`).
"""

from bot.demo.backing import Backing, PlannedPledge, demo_contributors, demo_users, plan_backing
from bot.demo.catalogue import (
    DEMO_PROJECTS,
    DEMO_USER_ID_BASE,
    DemoPerson,
    DemoProject,
    DemoTier,
    load_catalogue,
)
from bot.demo.fields import CatalogueError
from bot.demo.loader import DemoReport, load_demo_data

__all__ = [
    "DEMO_PROJECTS",
    "DEMO_USER_ID_BASE",
    "Backing",
    "CatalogueError",
    "DemoPerson",
    "DemoProject",
    "DemoReport",
    "DemoTier",
    "PlannedPledge",
    "demo_contributors",
    "demo_users",
    "load_catalogue",
    "load_demo_data",
    "plan_backing",
]
