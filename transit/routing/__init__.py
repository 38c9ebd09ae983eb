"""Road networks, travel times, dial-a-ride dispatch (OR-Tools) and area simulation."""
