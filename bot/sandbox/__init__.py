"""A local Telegram Bot API server: the bot runs unmodified against it (see README.md)."""

from bot.sandbox.client import SandboxClient
from bot.sandbox.faults import FaultConfig
from bot.sandbox.limits import Limits
from bot.sandbox.server import SandboxServer, run_sandbox

__all__ = ["FaultConfig", "Limits", "SandboxClient", "SandboxServer", "run_sandbox"]
