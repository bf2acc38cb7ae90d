"""Factories of the leads app: loop 1 (preferences, agents, executions, feedback) and loop 2 (scoring)."""

from tests.leads.factories_loop1 import *  # noqa: F403
from tests.leads.factories_loop2 import *  # noqa: F403
