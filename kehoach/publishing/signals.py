"""Signal receivers of publishing: the search index follows records and publications."""
