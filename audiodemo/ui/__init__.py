"""The Gradio tabs: each module builds one tab and holds its thin handlers."""
