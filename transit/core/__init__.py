"""The shared core every pipeline stands on: errors, notices, config, files, geodesy, times, paths."""
