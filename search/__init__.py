"""Querying: the query language, ranking, exact facets, highlighting. Returns plain data."""
