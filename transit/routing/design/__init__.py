"""Transit network design: route-set evaluation (Mumford convention) and the optimizer."""
