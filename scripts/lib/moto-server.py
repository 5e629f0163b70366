"""
moto's server (`python -m moto.server`), with DynamoDB requests handled one at a time.

moto rolls back a cancelled TransactWriteItems by restoring a copy of the table taken before the transaction,
and its server answers requests on concurrent threads: any write another request made in between would be
erased (moto/dynamodb/models/__init__.py, transact_write_items). DynamoDB's own transactions are isolated, so
the concurrent-duplicate tests would otherwise see records vanish that real DynamoDB keeps. Every other
service stays concurrent.
"""

import sys
import threading

from moto import server
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

if __name__ == "__main__":
    server.main(sys.argv[1:])
