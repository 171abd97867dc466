"""Typed clients for the Kipu Quantum Hub REST APIs."""

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    __version__: str
else:

    def __getattr__(name: str) -> str:
        """``__version__``, read from the installed metadata on first use (not at import)."""
        if name == "__version__":
            from importlib import metadata

            return metadata.version("qhub-api")
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
