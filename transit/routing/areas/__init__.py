"""On-demand area studies: area files, ride requests, bus hubs, sweeps and ranking."""
