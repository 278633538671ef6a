"""What a unit has to do: task lists, duty cards and the counts behind /status."""
