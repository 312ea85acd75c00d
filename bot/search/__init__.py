"""Matching words and place names: folding, the communes of Brittany, SQLite's full-text index."""
