"""Denoising speech, the Denoise tab's capability: features, noise, training pairs, losses,
presets, inference (`Denoiser`), scores and the command line (`python -m audiodemo.denoise`).

Kept empty of imports: `python -m audiodemo.denoise.pesq_process` starts a worker that must
load only numpy and pesq.
"""
