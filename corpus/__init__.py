"""Ingestion: from files on disk to `Report`s with `Passage`s. No index code here."""
