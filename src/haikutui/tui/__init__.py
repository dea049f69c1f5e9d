"""The Textual front end; everything it does goes through the screen-free core.

`app` is its one public module: the CLI launches it through `app.create_app`.
"""

__all__ = ["app"]
