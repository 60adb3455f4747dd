"""Analysis (jieba + Whoosh), the schema, and writing reports into an on-disk index."""
