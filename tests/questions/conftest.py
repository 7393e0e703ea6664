"""A server on a manual clock, one local a round, the job loop off: tests run the rounds."""

from tests.escalation.test_router_live import clock_server  # noqa: F401 - the shared fixture
