"""The shared core of the four API clients: pipeline, errors, models, paging, waiting.

Private to ``qhub-api`` and ``qhub-service``; users import the public names from
``qhub.api.<api>``.
"""
