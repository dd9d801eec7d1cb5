"""Hyperparameter searches that rerun the paper's Tables 1-3 on Optuna (see `__main__`)."""
