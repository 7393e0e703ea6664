"""Tests of the push, email and SMS senders against local stand-ins."""
