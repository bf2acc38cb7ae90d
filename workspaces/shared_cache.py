"""The database cache shared by all processes when there is no Redis, with an atomic incr."""

import base64
import pickle

from django.core.cache.backends.db import DatabaseCache
from django.db import connections, models, router, transaction
from django.utils.timezone import now as tz_now


class AtomicDatabaseCache(DatabaseCache):
    """Django's DatabaseCache increments by a get then a set, so two processes can both read 4
    and both write 5; counters (login attempts) need every increment counted, and the set would
    also push the entry's expiry forward, turning a fixed window into a sliding one."""

    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote_name = connection.ops.quote_name
        table = quote_name(self._table)
        cache_key, value_column, expires = quote_name("cache_key"), quote_name("value"), quote_name("expires")
        with transaction.atomic(using=db), connection.cursor() as cursor:
            # A write first: it takes the row's lock (PostgreSQL) or the database's write lock
            # (SQLite), so a concurrent incr waits here and then reads this one's result.
            cursor.execute(f"UPDATE {table} SET {expires} = {expires} WHERE {cache_key} = %s", [key])
            cursor.execute(f"SELECT {value_column}, {expires} FROM {table} WHERE {cache_key} = %s", [key])
            row = cursor.fetchone()
            if row is None:
                raise ValueError(f"Key '{key}' not found")
            stored, expiry = row
            expression = models.Expression(output_field=models.DateTimeField())
            for converter in connection.ops.get_db_converters(expression) + expression.get_db_converters(
                connection
            ):
                expiry = converter(expiry, expression, connection)
            if expiry < tz_now():
                raise ValueError(f"Key '{key}' not found")
            value = pickle.loads(base64.b64decode(connection.ops.process_clob(stored).encode())) + delta
            encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
            cursor.execute(f"UPDATE {table} SET {value_column} = %s WHERE {cache_key} = %s", [encoded, key])
        return value
