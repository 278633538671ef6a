"""Status replies: what a liaison reports about a duty, and the dialogue that asks for it."""
