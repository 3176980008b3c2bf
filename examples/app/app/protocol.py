# The uplink wire protocol: fixed header, big-endian fields, CRC-16/CCITT-FALSE trailer,
# and SLIP-style byte stuffing for a serial link.
import struct

from micropython import const

SOF = const(0x7E)
ESC = const(0x7D)

MSG_READING = const(1)
MSG_ALARM = const(2)
MSG_SUMMARY = const(3)

_HEADER = '>BBBH'    # sof, type, device, sequence
_READING = '>BhH'    # sensor kind, value, tick


class ProtocolError(ValueError):
    pass


def crc16(data, crc=0xFFFF):
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            if crc & 0x8000:
                crc = ((crc << 1) ^ 0x1021) & 0xFFFF
            else:
                crc = (crc << 1) & 0xFFFF
    return crc


KINDS = {'temp': 1, 'hum': 2, 'batt': 3}
KIND_NAMES = {v: k for k, v in KINDS.items()}


class Encoder:
    def __init__(self, device_id):
        self.device_id = device_id
        self.sequence = 0

    def frame(self, msg_type, payload):
        header = struct.pack(_HEADER, SOF, msg_type, self.device_id, self.sequence)
        self.sequence = (self.sequence + 1) & 0xFFFF
        body = header + payload
        return body + struct.pack('>H', crc16(body))

    def reading(self, kind, value, tick):
        return self.frame(MSG_READING, struct.pack(_READING, KINDS[kind], value, tick))

    def alarm(self, text):
        data = text.encode()
        return self.frame(MSG_ALARM, bytes([len(data)]) + data)

    def summary(self, counts):
        payload = bytearray()
        for kind in sorted(counts):
            payload += struct.pack('>BH', KINDS[kind], counts[kind])
        return self.frame(MSG_SUMMARY, bytes(payload))


def decode(frame):
    if len(frame) < struct.calcsize(_HEADER) + 2:
        raise ProtocolError('short frame (%d bytes)' % len(frame))
    body, (crc,) = frame[:-2], struct.unpack('>H', frame[-2:])
    if crc16(body) != crc:
        raise ProtocolError('bad crc %04x' % crc)
    sof, msg_type, device, seq = struct.unpack_from(_HEADER, body)
    if sof != SOF:
        raise ProtocolError('bad start byte')
    payload = body[struct.calcsize(_HEADER):]
    if msg_type == MSG_READING:
        kind, value, tick = struct.unpack(_READING, payload)
        return seq, 'reading', (KIND_NAMES[kind], value, tick)
    if msg_type == MSG_ALARM:
        return seq, 'alarm', payload[1:1 + payload[0]].decode()
    if msg_type == MSG_SUMMARY:
        items = [struct.unpack_from('>BH', payload, i) for i in range(0, len(payload), 3)]
        return seq, 'summary', [(KIND_NAMES[k], n) for k, n in items]
    raise ProtocolError('unknown message type %d' % msg_type)


def stuff(frame):
    out = bytearray([SOF])
    for b in frame[1:]:
        if b in (SOF, ESC):
            out.append(ESC)
            out.append(b ^ 0x20)
        else:
            out.append(b)
    return bytes(out)


def unstuff(data):
    out = bytearray([data[0]])
    escaped = False
    for b in data[1:]:
        if escaped:
            out.append(b ^ 0x20)
            escaped = False
        elif b == ESC:
            escaped = True
        else:
            out.append(b)
    return bytes(out)


def hexdump(data, width=16):
    return '\n'.join('  %04x  %s' % (i, ' '.join('%02x' % b for b in data[i:i + width]))
                     for i in range(0, len(data), width))
