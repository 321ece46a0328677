"""What the backend, the debug service and the embedded SFU all need, defined once: the
LiveKit-format token, the production secret rule, start-up, and log shipping."""
