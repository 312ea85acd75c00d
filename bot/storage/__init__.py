"""Storage: the engine and sessions, the models (schema), migrations, and SQL helpers."""
