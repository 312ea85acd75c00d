"""catalogue indexes

Indexes for the catalogue at scale (bench/browse_db.py): each sort order walks or covers an
index, a card's tiers and news are found by project. On SQLite, an FTS5 full-text index of
`projects.search_text` (`projects_search`), kept in sync by triggers. On PostgreSQL, searches
keep their LIKE conditions (a pg_trgm GIN index is the production next step; no extension is
created here).

A later migration that rebuilds `projects` on SQLite (batch "move and copy") drops the triggers
with the old table: it must create them again (`_SEARCH_TRIGGERS`).

Revision ID: c6c9bc604a31
Revises: 24243f449e67
Create Date: 2026-11-26
"""

from collections.abc import Sequence

from alembic import op

revision: str = "c6c9bc604a31"
down_revision: str | None = "24243f449e67"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# External content: the index stores no text, `projects` does; its rowid is the project's id.
# Stored text is folded to [a-z0-9' ] (bot/search/text.py); the apostrophe is a token character so
# that Breton c'h stays inside its word ("c'hoari"), everything else separates words.
_SEARCH_INDEX = """CREATE VIRTUAL TABLE projects_search USING fts5(
    search_text, content='projects', content_rowid='id',
    tokenize="unicode61 tokenchars ''''"
)"""
_SEARCH_TRIGGERS = {
    "projects_search_insert": """CREATE TRIGGER projects_search_insert
AFTER INSERT ON projects BEGIN
    INSERT INTO projects_search (rowid, search_text) VALUES (new.id, new.search_text);
END""",
    "projects_search_delete": """CREATE TRIGGER projects_search_delete
AFTER DELETE ON projects BEGIN
    INSERT INTO projects_search (projects_search, rowid, search_text)
    VALUES ('delete', old.id, old.search_text);
END""",
    "projects_search_update": """CREATE TRIGGER projects_search_update
AFTER UPDATE OF search_text ON projects BEGIN
    INSERT INTO projects_search (projects_search, rowid, search_text)
    VALUES ('delete', old.id, old.search_text);
    INSERT INTO projects_search (rowid, search_text) VALUES (new.id, new.search_text);
END""",
}


def upgrade() -> None:
    op.drop_index("ix_projects_status_starts_at", table_name="projects")
    op.drop_index("ix_projects_status_contributors", table_name="projects")
    op.create_index(
        "ix_projects_status_starts_at_ends_at", "projects", ["status", "starts_at", "ends_at"]
    )
    op.create_index(
        "ix_projects_status_contributors_ends_at",
        "projects",
        ["status", "contributors_count", "ends_at"],
    )
    op.create_index(
        "ix_projects_status_ends_at_raised_goal",
        "projects",
        ["status", "ends_at", "raised_cents", "goal_cents"],
    )
    op.create_index(
        "ix_reward_tiers_project_id_position", "reward_tiers", ["project_id", "position"]
    )
    op.create_index(
        "ix_news_posts_project_id_published_at", "news_posts", ["project_id", "published_at"]
    )
    if op.get_bind().dialect.name == "sqlite":
        op.execute(_SEARCH_INDEX)
        for trigger in _SEARCH_TRIGGERS.values():
            op.execute(trigger)
        op.execute("INSERT INTO projects_search (projects_search) VALUES ('rebuild')")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in _SEARCH_TRIGGERS:
            op.execute(f"DROP TRIGGER {name}")
        op.execute("DROP TABLE projects_search")  # its shadow tables go with it
    op.drop_index("ix_news_posts_project_id_published_at", table_name="news_posts")
    op.drop_index("ix_reward_tiers_project_id_position", table_name="reward_tiers")
    op.drop_index("ix_projects_status_ends_at_raised_goal", table_name="projects")
    op.drop_index("ix_projects_status_contributors_ends_at", table_name="projects")
    op.drop_index("ix_projects_status_starts_at_ends_at", table_name="projects")
    op.create_index("ix_projects_status_contributors", "projects", ["status", "contributors_count"])
    op.create_index("ix_projects_status_starts_at", "projects", ["status", "starts_at"])
