"""Discovery: the catalogue of projects, its queries, search, and the places of Brittany."""
