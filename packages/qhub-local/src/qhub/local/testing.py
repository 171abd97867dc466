"""pytest fixtures that start a local Hub (registered as the ``qhub_local`` pytest plugin)."""
