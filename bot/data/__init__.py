"""Data shipped with the package: the demo's sample plan."""
