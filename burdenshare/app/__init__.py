"""JupyterLab front end: thin ipywidgets shells over compare(), charts and export."""
