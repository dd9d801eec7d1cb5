"""The three searches of the paper, their spaces, and the paper's own results.

- `vae-architecture` (Table 1): depth and latent size of the VAE at η = 0.0005, B = 32,
  E = 50; the four architectures of 2 and 3 layers and the 4-layer one.
- `vae-training` (Table 2): η ∈ [0.00005, 0.001] (log), B ∈ [15, 50], E ∈ [60, 140] for the
  2-layer VAE with a 64-D latent.
- `lstm` (Table 3): n ∈ [100, 300] units, η ∈ [0.0001, 0.01] (log), B ∈ [16, 64],
  E ∈ [50, 100] for the paper's LSTM (one layer, the current symbol as input).

Epochs are multiplied by the search's epoch scale (at least one) to fit a CPU budget; each
trial records both the epochs drawn and the epochs trained.
"""

from __future__ import annotations

from dataclasses import dataclass

# Table 1: filters per conv layer, kernel sizes, strides, latent dimension
ARCHITECTURES = {
    "2x32": dict(filters=(100, 50), kernels=(3, 3), strides=(2, 2), latent_dim=32),
    "2x64": dict(filters=(100, 50), kernels=(3, 3), strides=(2, 2), latent_dim=64),
    "3x32": dict(filters=(150, 100, 50), kernels=(3, 3, 3), strides=(2, 2, 2), latent_dim=32),
    "3x64": dict(filters=(150, 100, 50), kernels=(3, 3, 3), strides=(2, 2, 2), latent_dim=64),
    "4x32": dict(filters=(150, 100, 50, 50), kernels=(5, 5, 5, 5), strides=(1, 2, 2, 1),
                 latent_dim=32),
}
TABLE1_SETTINGS = dict(lr=0.0005, batch_size=32, epochs=50)

# The paper's results, as printed (Table 2's learning rates lie outside the range its text
# gives for the search; they are copied as printed)
PAPER_TABLES = {
    "vae-architecture": {"columns": ["architecture", "MSE"], "rows": [
        ["2x32", 0.0018], ["2x64", 0.0016], ["3x32", 0.002], ["3x64", 0.0019],
        ["4x32", 0.0015]]},
    "vae-training": {"columns": ["lr", "batch_size", "epochs", "MSE"], "rows": [
        [0.00347, 20, 57, 0.0015], [0.00157, 29, 50, 0.0015], [0.00202, 47, 54, 0.0015],
        [0.00056, 37, 102, 0.0015], [0.00205, 48, 63, 0.0019], [0.00016, 33, 77, 0.0017]]},
    "lstm": {"columns": ["units", "lr", "batch_size", "epochs", "accuracy"], "rows": [
        [256, 0.0010, 57, 70, 0.83], [133, 0.0061, 22, 74, 0.72], [184, 0.0028, 62, 52, 0.85],
        [191, 0.0086, 34, 57, 0.75], [207, 0.0008, 47, 86, 0.85], [179, 0.0024, 25, 51, 0.76]]},
}


@dataclass(frozen=True)
class Objective:
    """A measure a trial is scored by: its key in the trial's metrics and its direction."""

    metric: str
    direction: str  # "minimize" or "maximize"
    label: str


@dataclass(frozen=True)
class Search:
    """One of the paper's searches: which model it trains and what it scores."""

    name: str
    kind: str  # "vae" or "lstm"
    table: str  # the paper's table it reruns
    objectives: dict[str, Objective]  # "paper" and "ours"
    prune: bool = True  # False where every trial is a row of the table (Table 1)


_VAE_OBJECTIVES = {
    "paper": Objective("paper_mse", "minimize", "test MSE of [0, 1] spectrograms, 5 dB"),
    "ours": Objective("sisdr_5db", "maximize", "SI-SDR (dB) of test digits at 5 dB"),
}
SEARCHES = {
    "vae-architecture": Search("vae-architecture", "vae", "Table 1", _VAE_OBJECTIVES,
                               prune=False),
    "vae-training": Search("vae-training", "vae", "Table 2", _VAE_OBJECTIVES),
    "lstm": Search("lstm", "lstm", "Table 3", {
        "paper": Objective("accuracy", "maximize", "test accuracy, split by song"),
        "ours": Objective("nll", "minimize", "test NLL (nats/symbol), split by song"),
    }),
}


def get_search(name: str) -> Search:
    """The search of that name; `ValueError` naming the choices."""
    if name not in SEARCHES:
        raise ValueError(f"No search {name!r}; choose from {sorted(SEARCHES)}")
    return SEARCHES[name]


def scaled(epochs: int, scale: float) -> int:
    """Epochs to train for a drawn count under an epoch scale: at least one."""
    return max(1, round(epochs * scale))


def next_architectures(study, count: int) -> list[str]:
    """The next `count` rows of Table 1 to run: each time the architecture with the fewest
    completed or pending trials (in the table's order on ties), so every row is filled
    before any is repeated and repeats stay balanced."""
    from optuna.trial import TrialState

    runs = {name: 0 for name in ARCHITECTURES}
    for t in study.get_trials(deepcopy=False):
        if t.state in (TrialState.COMPLETE, TrialState.RUNNING, TrialState.WAITING):
            name = t.params.get("architecture") or t.system_attrs.get(
                "fixed_params", {}).get("architecture")
            if name in runs:
                runs[name] += 1
    order = []
    for _ in range(count):
        name = min(runs, key=lambda a: (runs[a], list(ARCHITECTURES).index(a)))
        order.append(name)
        runs[name] += 1
    return order


def suggest(search: Search, trial) -> dict:
    """Draw a trial's settings from the search's space (an Optuna trial's `suggest_*`)."""
    if search.name == "vae-architecture":
        return dict(TABLE1_SETTINGS,
                    architecture=trial.suggest_categorical("architecture",
                                                           list(ARCHITECTURES)))
    if search.name == "vae-training":
        return dict(architecture="2x64",
                    lr=trial.suggest_float("lr", 0.00005, 0.001, log=True),
                    batch_size=trial.suggest_int("batch_size", 15, 50),
                    epochs=trial.suggest_int("epochs", 60, 140))
    return dict(units=trial.suggest_int("units", 100, 300),
                lr=trial.suggest_float("lr", 0.0001, 0.01, log=True),
                batch_size=trial.suggest_int("batch_size", 16, 64),
                epochs=trial.suggest_int("epochs", 50, 100))
