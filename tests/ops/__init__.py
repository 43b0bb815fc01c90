"""Operational tests: real `ivr serve` processes, restarts, killed workers, database faults."""
