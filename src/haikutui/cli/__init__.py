"""The `haikutui` command: `main` is the entry point; one module per subcommand, each
imported only when its subcommand runs."""

__all__ = ["main"]
