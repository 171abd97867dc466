"""A local Kipu Quantum Hub."""
