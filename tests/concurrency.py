"""Run functions in threads that start together, each on its own database connection."""

import threading

from django.db import connection


def run_together(functions, timeout=60):
    """Call every function at once (a barrier releases them together); return their results.

    Any exception a function raised fails the calling test with all of them listed.
    """
    barrier = threading.Barrier(len(functions))
    errors, results = [], []

    def run(function):
        try:
            barrier.wait()
            results.append(function())
        except Exception as error:  # collected and reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(function,)) for function in functions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not any(thread.is_alive() for thread in threads), f"still running after {timeout} s"
    assert not errors, errors
    return results
