"""Reading schedule rules out of a duty's words: text in, `Rule`s out (entry point: `rules`)."""
