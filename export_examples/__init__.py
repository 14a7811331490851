"""Example networks trained on real data with snn_deploy modules, exported and served.

Run them all with ``make export`` (``python -m export_examples``).
"""
