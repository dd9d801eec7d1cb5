"""Latent spaces, the Latent space tab's capability: codes of recordings and their statistics
(`codes`), the bundled test audio (`bundle`), what the tab explores (`explore`: planes,
decodes of points and recordings, walks, grids) and the command line (`__main__`)."""
