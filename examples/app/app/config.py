# Device configuration: defaults, overrides and validation.
from micropython import const

SAMPLE_PERIOD_MS = const(500)
WINDOW = const(8)
MAX_FRAME_PAYLOAD = const(48)

DEFAULTS = {
    'device_id': 0x2A,
    'ticks': 24,
    'window': WINDOW,
    'temp_alarm_c': 26.0,
    'humidity_alarm_pct': 68,
    'report_every': 6,
}


class ConfigError(Exception):
    pass


class Config:
    _RANGES = {
        'device_id': (0, 255),
        'ticks': (1, 1000),
        'window': (2, 64),
        'report_every': (1, 100),
    }

    def __init__(self, **overrides):
        values = dict(DEFAULTS)
        for key, value in overrides.items():
            if key not in values:
                raise ConfigError('unknown setting %r' % key)
            values[key] = value
        for key, (low, high) in self._RANGES.items():
            if not low <= values[key] <= high:
                raise ConfigError('%s=%r out of range %d..%d' % (key, values[key], low, high))
        self._values = values

    def __getattr__(self, name):
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(name)

    def period_s(self):
        return SAMPLE_PERIOD_MS / 1000

    def describe(self):
        return ', '.join('%s=%s' % (k, self._values[k]) for k in sorted(self._values))
