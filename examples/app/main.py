# Entry point of the sensor-logging app (kept as source by `mpyseal build`; everything it imports is .mpy).
# It polls three simulated sensors, smooths the readings, raises alarms, encodes every event as a framed
# binary message, then decodes the whole uplink stream again and checks it.
import sys

if 'lib' not in sys.path:
    sys.path.append('lib')

import app
from app import config, protocol
from app.sensors import Thermometer, Hygrometer, BatteryMonitor, poll, moving_average
from ringbuf import RingBuffer


class Logger:
    def __init__(self):
        self.lines = 0

    def __call__(self, *parts, **kw):
        self.lines += 1
        print('[%03d]' % self.lines, *parts, **kw)


def show(sensor, value):
    if sensor.scale != 1:
        whole, frac = divmod(value, sensor.scale)
        return '%d.%02d%s' % (whole, frac, sensor.unit)
    return '%d%s' % (value, sensor.unit)


def run(cfg, log):
    sensors = [
        Thermometer('t0', seed=7, base_c=21),
        Hygrometer('h0', seed=11, fault_every=9),
        BatteryMonitor('b0', seed=3),
    ]
    windows = {s.name: RingBuffer(cfg.window) for s in sensors}
    encoder = protocol.Encoder(cfg.device_id)
    uplink = bytearray()
    counts = {}
    faults = []
    alarmed = set()

    def send(frame):
        nonlocal uplink
        uplink += protocol.stuff(frame)

    for tick, sensor, value in poll(sensors, cfg.ticks, on_fault=faults.append):
        windows[sensor.name].push(value)
        counts[sensor.kind] = counts.get(sensor.kind, 0) + 1
        send(encoder.reading(sensor.kind, value, tick))
        if sensor.kind == 'temp':
            alarm = value / sensor.scale >= cfg.temp_alarm_c
        elif sensor.kind == 'hum':
            alarm = value >= cfg.humidity_alarm_pct
        else:
            alarm = False
        if alarm and sensor.name not in alarmed:
            alarmed.add(sensor.name)
            text = '%s high at tick %d: %s' % (sensor.label, tick, show(sensor, value))
            log('ALARM', text)
            send(encoder.alarm(text))
        if tick % cfg.report_every == cfg.report_every - 1 and sensor is sensors[-1]:
            row = []
            for s in sensors:
                w = windows[s.name]
                avg = sum(w) // len(w) if len(w) else 0
                row.append('%s=%s' % (s.name, show(s, avg)))
            log('tick %2d' % tick, ' '.join(row))

    for fault in faults:
        log('fault:', fault, '(sensor %s, tick %d)' % (fault.sensor, fault.tick))
    send(encoder.summary(counts))
    return sensors, windows, bytes(uplink)


def split_frames(stream):
    start = None
    for i, b in enumerate(stream):
        if b == protocol.SOF:
            if start is not None:
                yield stream[start:i]
            start = i
    if start is not None:
        yield stream[start:]


def check_uplink(stream, log):
    kinds = {}
    last_seq = -1
    for raw in split_frames(stream):
        seq, what, data = protocol.decode(protocol.unstuff(raw))
        assert seq == last_seq + 1, 'sequence gap'
        last_seq = seq
        kinds[what] = kinds.get(what, 0) + 1
        if what != 'reading':
            log('decoded #%d %s %s' % (seq, what, data))
    log('frames:', ', '.join('%s=%d' % kv for kv in sorted(kinds.items())))
    return last_seq + 1


def main():
    log = Logger()
    cfg = config.Config(ticks=24, report_every=6)
    log('sensor logger v%s (magic 0x%02x)' % (app.version_string(), app.magic()))
    log('config:', cfg.describe())
    try:
        config.Config(window=1)
    except config.ConfigError as e:
        log('rejected config:', e)

    sensors, windows, uplink = run(cfg, log)
    for s in sensors:
        w = windows[s.name]
        smooth = list(moving_average(w, 3))
        log('%-10s samples=%2d window=%r min=%d max=%d smooth=%s' % (
            s.label, s.samples, w, min(w), max(w), smooth[-3:]))

    log('uplink: %d bytes, crc16=%04x' % (len(uplink), protocol.crc16(uplink)))
    print(protocol.hexdump(uplink[:48]))
    n = check_uplink(uplink, log)

    damaged = bytearray(protocol.unstuff(next(split_frames(uplink))))
    damaged[5] ^= 0x01
    try:
        protocol.decode(bytes(damaged))
    except protocol.ProtocolError as e:
        log('damaged frame rejected:', e)
    log('done: %d frames, %d log lines' % (n, log.lines + 1))


main()
