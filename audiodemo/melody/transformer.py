"""The melody transformer: a small decoder-only transformer with relative position attention.

Music Transformer (Huang et al. 2018): each layer learns one embedding per distance back
(`E_r`, `(max_distance, d_head)`), shared by its heads, and adds `q_i · E_r[i - j]` to the
attention logit of query i on key j, so a head can look "one bar back" wherever it is in the
song. The full pass computes those terms for all pairs at once with the memory-efficient
"skewing" trick (`skew`); the step of generation, one query against a key/value cache,
gathers them directly. Distances past `max_distance - 1` share its embedding.

Inputs, as the melody LSTM's (`audiodemo.melody.model`): the ids, each row starting with the
end symbol, with each song's bar length and pickup. Each position adds to its symbol's
embedding the bar position of the symbol it predicts (the LSTM's lookback position), the bar
length (the meter), optionally the bar's number, and optionally (`context`) the symbol that
began the sounding note or rest and how many sixteenths ago, as the LSTM's context inputs.
A position sees itself and the `window - 1` before it, in training (windows of that
length) and in generation (the cache keeps that many), so songs of any length are scored as
they were trained.

`forward(ids, bar_steps, pickup)` -> `(logits (B, T, V), cache)`; generation goes on with
`step(features(ids, ..., last_only=True), cache)`, the LSTM's protocol, so
`audiodemo.melody.generate` drives either. Checkpoints: kind "melody_transformer".
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import nn

from audiodemo.melody.model import HOLD_ID, MAX_AGE
from audiodemo.melody.vocab import Vocabulary


class KVCache:
    """One layer's keys and values so far, `(B, H, S, hs)` each, in buffers that grow by
    doubling and are written in place, so a step of generation copies one position, not
    the whole history. Keys older than the window are dropped when a buffer grows."""

    def __init__(self, keys: torch.Tensor, values: torch.Tensor, window: int):
        self.keys, self.values, self.length, self.window = keys, values, keys.shape[2], window

    def extend(self, keys: torch.Tensor, values: torch.Tensor):
        """Append `(B, H, T, hs)` keys and values; return those the T new queries may see."""
        t = keys.shape[2]
        if self.length + t > self.keys.shape[2]:
            kept = min(self.length, self.window - 1)
            size = 2 * (kept + t) + 16
            for name in ("keys", "values"):
                old = getattr(self, name)
                new = old.new_empty(*old.shape[:2], size, old.shape[3])  # (B, H, size, hs)
                new[:, :, :kept] = old[:, :, self.length - kept : self.length]
                setattr(self, name, new)
            self.length = kept
        self.keys[:, :, self.length : self.length + t] = keys
        self.values[:, :, self.length : self.length + t] = values
        self.length += t
        first = max(0, self.length - t - (self.window - 1))
        return (self.keys[:, :, first : self.length],  # (B, H, S, hs)
                self.values[:, :, first : self.length])


Cache = tuple[KVCache, ...]  # one per layer


@dataclass
class MelodyTransformerConfig:
    """Sizes, the attention window and the inputs; `d_model` must divide by `heads`."""

    d_model: int = 128
    layers: int = 4
    heads: int = 4
    window: int = 256  # symbols a position sees: itself and window - 1 before it
    max_distance: int = 256  # distances with their own embedding; farther ones share the last
    dropout: float = 0.1  # on embeddings, attention weights and residual branches
    max_bar: int = 48  # bar positions (sixteenths) embedded; 0: no bar position or meter
    bar_index: int = 0  # > 0: the bar's number as an input, later bars sharing the last
    context: bool = False  # the sounding symbol and its age as inputs, as the LSTM's
    vocab_size: int = len(Vocabulary.default())


def skew(rel: torch.Tensor) -> torch.Tensor:
    """`(..., T, T)` logits of query i against distances T-1, ..., 0 (column r: distance
    T-1-r) -> `(..., T, T)` with entry [i, j] for distance i - j (Huang et al. 2018, sec.
    3.4.1); entries above the diagonal (j > i) are meaningless and must be masked."""
    *lead, t, _ = rel.shape
    padded = nn.functional.pad(rel, (1, 0))  # (..., T, T + 1): a zero column in front
    return padded.reshape(*lead, t + 1, t)[..., 1:, :]  # (..., T, T)


def allowed(queries: int, keys: int, window: int) -> torch.Tensor:
    """`(queries, keys)` mask, the queries being the last keys: each sees itself and at most
    `window - 1` keys before it."""
    back = (torch.arange(queries)[:, None] + keys - queries) - torch.arange(keys)[None, :]
    return (back >= 0) & (back < window)


class RelativeAttention(nn.Module):
    """Causal multi-head self-attention with learned relative position logits."""

    def __init__(self, config: MelodyTransformerConfig):
        super().__init__()
        self.heads, self.window = config.heads, config.window
        self.head_size = config.d_model // config.heads
        self.scale = 1 / math.sqrt(self.head_size)
        self.qkv = nn.Linear(config.d_model, 3 * config.d_model)
        self.out = nn.Linear(config.d_model, config.d_model)
        self.distance = nn.Parameter(torch.randn(config.max_distance, self.head_size) * 0.02)
        self.dropout = nn.Dropout(config.dropout)

    def logits(self, q: torch.Tensor, k: torch.Tensor) -> torch.Tensor:
        """`q·k_j + q·E_r[i - j]`, scaled and masked, for queries `q` `(B, H, T, hs)` that
        are the last T of keys `k` `(B, H, S, hs)` -> `(B, H, T, S)`."""
        t, keys, last = q.shape[-2], k.shape[-2], len(self.distance) - 1
        if t == keys:  # the full pass: skew the logits against distances T-1 .. 0
            order = torch.arange(t - 1, -1, -1).clamp_max(last)
            logits = q @ k.transpose(-2, -1) + skew(q @ self.distance[order].T)
        elif t == 1 and keys <= self.window:  # a step (the cache holds only the window):
            # one query that sees every key: q·k_j, plus q·E_r for every distance, gathered
            order = torch.arange(keys - 1, -1, -1).clamp_max(last)
            rel = (q @ self.distance.T)[..., order]  # (B, H, 1, S)
            return (q @ k.transpose(-2, -1) + rel) * self.scale
        else:  # a chunk after a cache: gather each pair's distance
            back = (torch.arange(t)[:, None] + keys - t) - torch.arange(keys)[None, :]
            index = back.clamp(0, last).expand(*q.shape[:2], t, keys)  # (B, H, T, S)
            logits = q @ k.transpose(-2, -1) + (q @ self.distance.T).gather(-1, index)
        return (logits * self.scale).masked_fill(~allowed(t, keys, self.window), -torch.inf)

    def heads_of(self, x: torch.Tensor) -> tuple[torch.Tensor, ...]:
        """Queries, keys and values `(B, H, T, hs)` of `x` `(B, T, C)`."""
        b, t, c = x.shape
        return tuple(z.view(b, t, self.heads, self.head_size).transpose(1, 2)
                     for z in self.qkv(x).split(c, dim=-1))

    def weights(self, x: torch.Tensor) -> torch.Tensor:
        """The attention weights `(B, H, T, T)` of a full pass over `x` `(B, T, C)`."""
        q, k, _ = self.heads_of(x)
        return torch.softmax(self.logits(q, k), dim=-1)

    def forward(self, x: torch.Tensor, cache: KVCache | None = None):
        """`x` `(B, T, C)`, following the positions in `cache` if given (which it extends)
        -> `(B, T, C)` and the cache."""
        b, t, c = x.shape
        q, k, v = self.heads_of(x)  # (B, H, T, hs)
        if cache is None:
            cache = KVCache(k, v, self.window)  # the full pass: no copy
        else:
            k, v = cache.extend(k, v)  # (B, H, S, hs)
        weights = self.dropout(torch.softmax(self.logits(q, k), dim=-1))  # (B, H, T, S)
        y = (weights @ v).transpose(1, 2).reshape(b, t, c)  # (B, T, C)
        return self.out(y), cache


class Block(nn.Module):
    """Pre-norm transformer layer: relative attention, then a feed-forward of 4x width."""

    def __init__(self, config: MelodyTransformerConfig):
        super().__init__()
        d = config.d_model
        self.norm1, self.norm2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.attention = RelativeAttention(config)
        self.feed = nn.Sequential(nn.Linear(d, 4 * d), nn.GELU(), nn.Linear(4 * d, d))
        self.dropout = nn.Dropout(config.dropout)

    def forward(self, x: torch.Tensor, cache: KVCache | None = None):
        y, cache = self.attention(self.norm1(x), cache)
        x = x + self.dropout(y)
        return x + self.dropout(self.feed(self.norm2(x))), cache


class MelodyTransformer(nn.Module):
    """`forward(ids, bar_steps, pickup)` -> logits `(B, T, V)` for the symbols after each
    id, and the key/value cache that `step` goes on from."""

    name = "Transformer"

    def __init__(self, config: MelodyTransformerConfig):
        super().__init__()
        if config.d_model % config.heads or config.window < 2 or config.max_distance < 1:
            raise ValueError(f"d_model must divide by heads, window be at least 2 and "
                             f"max_distance at least 1: {config}")
        self.config, self.vocab_size = config, config.vocab_size
        d = config.d_model
        self.symbol = nn.Embedding(config.vocab_size, d)
        self.bar_position = nn.Embedding(config.max_bar, d) if config.max_bar else None
        self.meter = nn.Embedding(config.max_bar + 1, d) if config.max_bar else None
        self.bar_number = nn.Embedding(config.bar_index, d) if config.bar_index else None
        self.sounding = nn.Embedding(config.vocab_size, d) if config.context else None
        self.age = nn.Embedding(MAX_AGE, d) if config.context else None
        self.dropout = nn.Dropout(config.dropout)
        self.blocks = nn.ModuleList(Block(config) for _ in range(config.layers))
        self.norm = nn.LayerNorm(d)
        self.head = nn.Linear(d, config.vocab_size)
        self.apply(self._initialise)

    @staticmethod
    def _initialise(module: nn.Module) -> None:
        """GPT-2's: normal(0, 0.02) weights, zero biases."""
        if isinstance(module, (nn.Linear, nn.Embedding)):
            nn.init.normal_(module.weight, std=0.02)
        if isinstance(module, nn.Linear) and module.bias is not None:
            nn.init.zeros_(module.bias)

    def features(self, ids: torch.Tensor, bar_steps: torch.Tensor, pickup: torch.Tensor,
                 last_only: bool = False, length: torch.Tensor | None = None) -> torch.Tensor:
        """`(B, T)` ids (each row starting with the end symbol) -> embeddings `(B, T, C)`,
        or `(B, 1, C)` for the last id alone with `last_only` (generation, step by step).

        The input at column t predicts song symbol t, at `pickup + t` sixteenths from the
        start of the first bar: its bar position and bar number are added (a window that
        starts inside a song passes its start added to the pickup). `length`, the LSTM's
        countdown input, is not used: the transformer trains on windows, not whole songs.
        """
        t = ids.shape[1]
        cols = torch.arange(t - 1, t) if last_only else torch.arange(t)
        x = self.symbol(ids[:, cols])  # (B, T, C)
        bar = bar_steps[:, None]
        steps = pickup[:, None] + cols[None, :]  # (B, T) sixteenths since the first bar line
        if self.bar_position is not None:
            x = x + self.bar_position((steps % bar).clamp_max(self.config.max_bar - 1))
            x = x + self.meter(bar.clamp_max(self.config.max_bar))
        if self.bar_number is not None:
            x = x + self.bar_number((steps // bar).clamp_max(self.config.bar_index - 1))
        if self.sounding is not None:  # the symbol that began the sounding note or rest
            every = torch.arange(t).expand(ids.shape[0], t)
            began = torch.where(ids != HOLD_ID, every, 0).cummax(dim=1).values[:, cols]
            x = x + self.sounding(ids.gather(1, began))
            x = x + self.age((cols - began).clamp_max(MAX_AGE - 1))
        return x

    def step(self, features: torch.Tensor, state: Cache | None = None):
        """Logits after `features` `(B, T, C)` that follow the cached ones, and the cache."""
        x, cache = self.dropout(features), []
        for i, block in enumerate(self.blocks):
            x, layer_cache = block(x, state[i] if state is not None else None)
            cache.append(layer_cache)
        return self.head(self.norm(x)), tuple(cache)

    def forward(self, ids, bar_steps, pickup, state: Cache | None = None, length=None):
        return self.step(self.features(ids, bar_steps, pickup), state)

    @torch.no_grad()
    def attention(self, ids, bar_steps, pickup) -> torch.Tensor:
        """Every layer's attention weights over a full pass of `ids` `(B, T)`, without
        dropout: `(layers, B, H, T, T)`."""
        was_training = self.training
        self.eval()
        x, maps = self.features(ids, bar_steps, pickup), []
        for block in self.blocks:
            maps.append(block.attention.weights(block.norm1(x)))
            x, _ = block(x)
        self.train(was_training)
        return torch.stack(maps)
