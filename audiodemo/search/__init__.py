"""Hyperparameter searches that rerun the paper's Tables 1-3 on Optuna (see `__main__`), and
what the Experiments tab shows of them (`experiments`)."""
