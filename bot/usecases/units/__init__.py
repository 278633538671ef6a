"""Units and groups: finding them by name, the names a plan prints, the administrator's chores."""
