"""wsgidev, a development server for Python WSGI apps, as a Python package.

wsgidev is a native binary. Its wheel carries the binary as a script, so
pip, pipx and uv put `wsgidev` on PATH; this package only finds that
binary again, for `python -m wsgidev` and for tools that want its path.
"""

import os
from importlib import metadata

__all__ = ["find_wsgidev_bin"]

_NAMES = ("wsgidev", "wsgidev.exe")


def find_wsgidev_bin():
    """Return the path of the wsgidev binary installed with this package."""
    candidates = list(_candidates())
    for path in candidates:
        if os.path.isfile(path):
            return path
    raise FileNotFoundError(
        "no wsgidev binary where the installer puts it (looked for %s); "
        "reinstall the wheel: pip install --force-reinstall wsgidev"
        % ", ".join(candidates or ["the wsgidev distribution"])
    )


def _candidates():
    """Where an installer may have put the wheel's scripts."""
    # The installer's RECORD: right for a virtualenv, --user, --prefix,
    # pipx and uv, whatever their layout.
    try:
        for path in metadata.files("wsgidev") or []:
            if path.name in _NAMES:
                yield os.path.normpath(str(path.locate()))
    except metadata.PackageNotFoundError:
        pass
    # pip install --target puts scripts in bin/ beside the packages, but
    # writes RECORD as if they were elsewhere.
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    for folder in ("bin", "Scripts"):
        for name in _NAMES:
            yield os.path.join(root, folder, name)
