"""A server on a manual clock with the job loop off: tests run the rounds themselves."""

from tests.escalation.test_waves import clock_server  # noqa: F401 - the shared fixture
