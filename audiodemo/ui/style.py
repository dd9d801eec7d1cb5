"""The app's own CSS (`launch(css=CSS)`): a layout that works on a phone (issue 13, item 9).

At 390 px Gradio showed two tabs and hid the rest under "More tabs" (`app.py` now asks its
tab bar to wrap), squeezed each latent plane to about 130 px (the two `gr.HTML` sit side by
side in a `gr.Row` whose children may shrink to nothing), and broke table cells one letter
per line (its prose tables set `overflow-wrap: anywhere`). Every rule below answers one of
the others, and only below 640 px, Gradio's own smallest breakpoint: from 640 px up the page
is exactly Gradio's.

How Gradio treats custom CSS (6.31, its frontend's `prefix_css`): a plain rule is kept and
also copied with the prefix `.gradio-container.gradio-container-<version> .contain`; inside
`@media` only the prefixed copy is kept, so a media rule reaches only what lies inside
`.contain` (tabs, blocks, tables) and never the page around it. `@container` and `@supports`
rules are dropped. The prefix also makes each media rule more specific than Gradio's own
one- or two-class rules; `!important` is needed only against inline styles.

The rules, by what they fix:

- **Page margins.** Gradio pads the page 32 px a side (`.app`), which leaves 326 px of a
  390 px screen. That padding lies outside `.contain`, out of reach of a media rule, so a
  plain rule makes it fluid: `clamp(12px, 100vw / 8 - 48px, 32px)` is 12 px up to 480 px,
  grows to 32 px at 640 px and stays Gradio's 32 px above. A phone gets 366 px of content.
- **Tabs** need no rule: `gr.Tabs(overflow_behavior="wrap")` (in `app.py`) puts every tab
  in the bar, on a second row where the first is full, instead of Gradio's "More tabs" menu.
- **Controls.** Inside a `gr.Row`, Gradio groups inputs into a `.form` whose blocks
  carry an inline `min-width` of 0, so on a narrow screen a block shrinks to its longest
  word instead of wrapping to the next line (the Latent tab's "Same axes for both"
  checkbox, squeezed to 44 px and clipped at the edge of a 366 px page). Each block in a
  form keeps at least 160 px (Gradio's default `min_width` of a component), so two sit
  side by side and the rest wrap.
- **Latent planes.** `#plane-left` and `#plane-right` take a whole row each
  (`flex-basis` and `min-width` 100 %, `!important` against the block's inline
  `min-width`), so the planes stack one above the other, each the width of the screen
  (342 px of SVG on a 390 px phone, against 131 px beside each other).
- **Tables.** Gradio's prose tables wrap anywhere, even inside a word, and a ten-column
  table in 366 px became a column of letters. Here a table scrolls sideways in its own
  box (`display: block; overflow-x: auto`, as wide as its cells up to the screen,
  without the table's own padding and border, which a block would draw as a frame
  around the grid) and its cells never wrap (`white-space:
  nowrap`), in a slightly smaller font with less padding: each row reads on one line.
"""

from __future__ import annotations

PHONE = "(max-width: 639.98px)"  # below Gradio's smallest breakpoint, `sm` (640 px)

CSS = f"""
.gradio-container .main.app {{
  padding-left: clamp(var(--size-3), calc(100vw / 8 - 48px), var(--size-8));
  padding-right: clamp(var(--size-3), calc(100vw / 8 - 48px), var(--size-8));
}}

@media {PHONE} {{
  .form > .block {{
    min-width: min(160px, 100%) !important;
  }}

  #plane-left, #plane-right {{
    flex: 1 1 100% !important;
    min-width: 100% !important;
  }}

  .prose table {{
    display: block;
    width: max-content;
    max-width: 100%;
    overflow-x: auto;
    padding: 0;
    border: none;
    font-size: var(--text-sm);
  }}
  .prose th, .prose td {{
    white-space: nowrap;
    overflow-wrap: normal;
    word-break: normal;
    padding: var(--size-1-5) var(--size-2);
  }}
}}
"""
