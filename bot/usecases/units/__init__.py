"""Units and groups: finding them by name, the names a plan prints, the administrator's chores
and a coordinator's from the chat and the board (`office`)."""
