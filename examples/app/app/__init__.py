# The sensor-logging application: configuration, simulated sensors and the wire protocol.
from micropython import const

VERSION = (1, 2, 0)
_MAGIC = const(0xA5)


def version_string():
    return '.'.join(str(part) for part in VERSION)


def magic():
    return _MAGIC
