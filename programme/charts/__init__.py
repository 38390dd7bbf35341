"""Chart builders: pure functions from DataFrames to plotly figures, one module per area."""
