"""gongkai on a Sphinx/Manticore cluster: SphinxQL client, node configuration, documents, writer."""
