"""Every picture the app and the training draw: matplotlib `Figure`s built without pyplot
(`signal`, `latent`, `training`), the interactive plotly spectrogram (`interactive`) and the
clickable SVG scatter of a latent plane (`scatter_svg`).

pyplot keeps a global list of open figures, which leaks memory in a long-running server;
a bare `Figure` is freed with its last reference.
"""
