"""Celery tasks of the leads app, one module per job; LeadsConfig.ready imports them so the worker
registers them (importing them here would make every service that queues a task import them all)."""
