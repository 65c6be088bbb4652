"""Stands in for a Django project's settings module."""

GREETING = "hello from mysite.settings"
