"""config.settings as mypy's Django plugin loads them, with a placeholder SECRET_KEY.

The plugin imports the settings to learn the models and the settings' types, and serves
nothing, so it needs no deployment's key; with DEBUG off the settings themselves refuse to
load without one. There is still one settings file: this only reads it.
"""

import os

os.environ.setdefault("SECRET_KEY", "type-checking-only-placeholder-never-used-to-sign")

from config.settings import *  # noqa: E402, F403
