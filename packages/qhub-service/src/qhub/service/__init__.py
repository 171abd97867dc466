"""High-level client for Kipu Quantum Hub managed services (``qhub.service.client``)."""
