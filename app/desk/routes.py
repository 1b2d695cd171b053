"""The clerks' desk: queues and files of the commune."""
