"""Analysis of news articles: text keys, places, themes and relevance, stories, claim matches.

Pure functions over plain data (`text`, `places`, `themes`, `stories`, `claims`) so the batch
command runs without a database; `pipeline.article_analyse` is the database-backed entry point.
"""
