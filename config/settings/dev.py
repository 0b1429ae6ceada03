"""`make run`: production-like serving on loopback, with development conveniences."""

from .base import *  # noqa: F403
from .base import LANGNGHE

DEBUG = False
# A first run on an empty data directory makes its own vault key.
LANGNGHE["VAULT_CREATE_KEY"] = True
# Outgoing messages go to var/mail and var/sms to be read by the developer.
LANGNGHE["ALLOW_FILE_NOTIFICATIONS"] = True
