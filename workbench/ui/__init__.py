"""ipywidgets components for notebooks and Voilà dashboards (the only place with UI code)."""
