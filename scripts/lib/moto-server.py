"""
moto's server (`python -m moto.server`), with DynamoDB requests handled one at a time, and TransactWriteItems
rolled back item by item.

moto rolls back a cancelled TransactWriteItems by restoring a copy of the table taken before the transaction,
and its server answers requests on concurrent threads: any write another request made in between would be
erased (moto/dynamodb/models/__init__.py, transact_write_items). DynamoDB's own transactions are isolated, so
the concurrent-duplicate tests would otherwise see records vanish that real DynamoDB keeps. Every other
service stays concurrent.

That copy is a deep copy of the whole table on every TransactWriteItems, so each one costs time in proportion
to the table (about a second at 5,000 items), which real DynamoDB does not. Here the transaction instead keeps
the before-image of each item it names, and a cancelled one puts back exactly those: the same outcome, since
a transaction writes only the items it names and, under the lock, nothing else writes meanwhile.
"""

import copy
import sys
import threading
from typing import Any

import moto.dynamodb.models as dynamodb_models
from moto import server
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType
from moto.dynamodb.models.table import Table
from moto.moto_server.werkzeug_app import DomainDispatcherApplication

_dynamodb = threading.Lock()
_dispatch = DomainDispatcherApplication.__call__


def _serial(self, environ, start_response):
    # Flask runs the backend call before returning the response, so the lock covers the whole request.
    if environ.get("HTTP_X_AMZ_TARGET", "").startswith("DynamoDB_"):
        with _dynamodb:
            return _dispatch(self, environ, start_response)
    return _dispatch(self, environ, start_response)


DomainDispatcherApplication.__call__ = _serial


class _TablesUncopied:
    """`copy` as moto's DynamoDB backend sees it: a table is not copied (transact_write_items' only use)."""

    copy = staticmethod(copy.copy)

    @staticmethod
    def deepcopy(value: Any, memo: Any = None) -> Any:
        return value if isinstance(value, Table) else copy.deepcopy(value, memo)


def _before_images(backend: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> list[tuple]:
    """(table, hash, range, item copy or None, stream length) for each item the transaction names."""
    images: list[tuple] = []
    seen: set[tuple] = set()
    for entry in transact_items:
        for op_type, op in entry.items():
            table = backend.tables.get(op.get("TableName")) if isinstance(op, dict) else None
            if table is None or op_type not in {"Put", "Delete", "Update"}:
                continue
            attrs = op.get("Item") if op_type == "Put" else op.get("Key")
            if not isinstance(attrs, dict) or table.hash_key_attr not in attrs:
                continue  # moto rejects it before writing anything
            hash_value = DynamoType(attrs[table.hash_key_attr])
            range_value = None
            if table.range_key_attr is not None:
                if table.range_key_attr not in attrs:
                    continue
                range_value = DynamoType(attrs[table.range_key_attr])
            if (table.name, hash_value, range_value) in seen:
                continue
            seen.add((table.name, hash_value, range_value))
            # Looked up without indexing: `items` is a defaultdict, and a lookup must not add a key.
            bucket = table.items.get(hash_value)
            current = bucket.get(range_value) if range_value is not None and bucket else bucket
            stream = len(table.stream_shard.items) if table.stream_shard is not None else None
            images.append((table, hash_value, range_value, copy.deepcopy(current), stream))
    return images


def _restore(images: list[tuple]) -> None:
    for table, hash_value, range_value, item, stream in reversed(images):
        if range_value is None:
            if item is None:
                table.items.pop(hash_value, None)
            else:
                table.items[hash_value] = item
        elif item is None:
            table.items.get(hash_value, {}).pop(range_value, None)
        else:
            table.items[hash_value][range_value] = item
        if stream is not None:
            del table.stream_shard.items[stream:]


_transact_write_items = DynamoDBBackend.transact_write_items


def _transact_write_items_item_by_item(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
    images = _before_images(self, transact_items)
    try:
        _transact_write_items(self, transact_items)
    except Exception:
        # moto's own rollback put back the table it did not copy, the same object: a no-op.
        _restore(images)
        raise


dynamodb_models.copy = _TablesUncopied  # type: ignore[assignment]
DynamoDBBackend.transact_write_items = _transact_write_items_item_by_item  # type: ignore[method-assign]

if __name__ == "__main__":
    server.main(sys.argv[1:])
