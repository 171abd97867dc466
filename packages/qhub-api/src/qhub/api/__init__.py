"""Typed clients for the Kipu Quantum Hub REST APIs."""
