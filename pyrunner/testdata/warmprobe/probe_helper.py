"""Project code: a warm fork must import it afresh, never inherit it."""

import builtins
import os

# Counts imports in this interpreter: builtins outlive a fork, so a module
# carried over from the template would count 2.
IMPORTS = getattr(builtins, "_probe_helper_imports", 0) + 1
builtins._probe_helper_imports = IMPORTS
TOKEN = os.urandom(8).hex()
