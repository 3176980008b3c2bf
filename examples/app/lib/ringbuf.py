# A fixed-capacity ring buffer: the newest `capacity` items are kept, the oldest are dropped.
# Used by the app to keep a window of recent readings without allocating as it runs.


class RingBuffer:
    def __init__(self, capacity):
        if capacity < 1:
            raise ValueError('capacity must be >= 1')
        self._items = [None] * capacity
        self._capacity = capacity
        self._start = 0
        self._count = 0
        self.dropped = 0

    @property
    def capacity(self):
        return self._capacity

    def __len__(self):
        return self._count

    def is_full(self):
        return self._count == self._capacity

    def push(self, item):
        end = (self._start + self._count) % self._capacity
        self._items[end] = item
        if self._count < self._capacity:
            self._count += 1
        else:
            self._start = (self._start + 1) % self._capacity
            self.dropped += 1

    def pop(self):
        if not self._count:
            raise IndexError('pop from empty RingBuffer')
        item = self._items[self._start]
        self._items[self._start] = None
        self._start = (self._start + 1) % self._capacity
        self._count -= 1
        return item

    def __getitem__(self, i):
        if i < 0:
            i += self._count
        if not 0 <= i < self._count:
            raise IndexError('RingBuffer index out of range')
        return self._items[(self._start + i) % self._capacity]

    def __iter__(self):
        for i in range(self._count):
            yield self._items[(self._start + i) % self._capacity]

    def drain(self):
        while self._count:
            yield self.pop()

    def __repr__(self):
        return 'RingBuffer(%d/%d, dropped=%d)' % (self._count, self._capacity, self.dropped)
