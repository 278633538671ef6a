"""Importing plan documents: parsed plans become units, duties and rules; previews, reviews
and the coordinator's choices about duties already past.
"""
