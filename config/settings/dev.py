"""`make run`: production-like serving on loopback, with development conveniences."""

from .base import *  # noqa: F403

DEBUG = False
