"""Importing plan documents: parsed plans become units, duties and rules; previews, reviews,
the coordinator's choices about duties already past, and the planning a running bot does,
run right after an import (`planning`).
"""
