"""A factory that fails while building the app."""


def create_app():
    raise ValueError("factory could not build the app: DATABASE_URL is not set")
