# Simulated sensors. Readings come from a small deterministic generator (a linear congruential
# generator), so every run prints the same values on every MicroPython.


class SensorFault(Exception):
    def __init__(self, sensor, tick):
        super().__init__('%s fault at tick %d' % (sensor, tick))
        self.sensor = sensor
        self.tick = tick


def lcg(seed):
    state = seed
    while True:
        state = (state * 1103515245 + 12345) & 0x7FFFFFFF
        yield state >> 8


class Sensor:
    kind = 'generic'
    unit = ''
    scale = 1

    def __init__(self, name, seed, fault_every=0):
        self.name = name
        self._noise = lcg(seed)
        self._fault_every = fault_every
        self.samples = 0

    def raw(self, tick):
        raise NotImplementedError

    def read(self, tick):
        self.samples += 1
        if self._fault_every and tick and tick % self._fault_every == 0:
            raise SensorFault(self.name, tick)
        return self.raw(tick)

    @property
    def label(self):
        return '%s[%s]' % (self.name, self.kind)

    def __repr__(self):
        return '<%s %s>' % (type(self).__name__, self.label)


class Thermometer(Sensor):
    kind = 'temp'
    unit = 'C'
    scale = 100   # centi-degrees on the wire

    def __init__(self, name, seed, base_c=21, **kw):
        super().__init__(name, seed, **kw)
        self.base = base_c * 100

    def raw(self, tick):
        drift = tick * 25                       # warms up by 0.25 C per tick
        noise = next(self._noise) % 61 - 30     # +-0.30 C
        return self.base + drift + noise


class Hygrometer(Sensor):
    kind = 'hum'
    unit = '%'

    def raw(self, tick):
        wave = (0, 2, 5, 9, 12, 9, 5, 2)[tick % 8]
        return 55 + wave + next(self._noise) % 4


class BatteryMonitor(Sensor):
    kind = 'batt'
    unit = 'mV'

    def __init__(self, name, seed, start_mv=4150, **kw):
        super().__init__(name, seed, **kw)
        self.mv = start_mv

    def raw(self, tick):
        self.mv -= 3 + next(self._noise) % 3
        return self.mv


def poll(sensors, ticks, on_fault=None):
    """Yields (tick, sensor, value) for every sensor at every tick; faults go to on_fault."""
    for tick in range(ticks):
        for sensor in sensors:
            try:
                value = sensor.read(tick)
            except SensorFault as fault:
                if on_fault is not None:
                    on_fault(fault)
                continue
            yield tick, sensor, value


def moving_average(values, width):
    window = []
    total = 0
    for v in values:
        window.append(v)
        total += v
        if len(window) > width:
            total -= window.pop(0)
        yield total // len(window)
