"""Jurisdictions: the tree of offices a deployment serves, and who sees which part of it."""
