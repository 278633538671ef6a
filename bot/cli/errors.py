"""The one exception a CLI command raises for a failure the user can fix."""


class CommandError(Exception):
    """Printed as one line on stderr; the command exits with code 2."""
