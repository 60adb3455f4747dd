"""The search engine over a Sphinx/Manticore cluster (same methods and JSON as search.engine)."""
