"""What a unit has to do: task lists, duty cards, the counts behind /status and the one
definition of a unit's light (`lights`)."""
