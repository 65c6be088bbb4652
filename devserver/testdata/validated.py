"""Serves the app module named by WSGIDEV_TEST_APP wrapped in
wsgiref.validate.validator, so any WSGI rule wsgidev bends fails a test."""
import importlib
import os
from wsgiref.validate import validator

application = validator(importlib.import_module(os.environ["WSGIDEV_TEST_APP"]).application)
