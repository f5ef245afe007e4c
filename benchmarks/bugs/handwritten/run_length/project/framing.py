"""Self-describing frames around compressed payloads, and a chunking frame writer.

Frame layout (big-endian): magic b"RLZ", version, method, original length,
payload length, Adler-32 checksum of the original data, then the payload.
"""

import struct
from collections import namedtuple

import lz
import rle

MAGIC = b"RLZ"
VERSION = 1
HEADER = struct.Struct(">3sBBIII")

METHOD_RAW, METHOD_PACKBITS, METHOD_LZSS = 0, 1, 2
METHODS = {"raw": METHOD_RAW, "packbits": METHOD_PACKBITS, "lzss": METHOD_LZSS}
_CODECS = {
    METHOD_RAW: (bytes, bytes),
    METHOD_PACKBITS: (rle.packbits_encode, rle.packbits_decode),
    METHOD_LZSS: (lz.compress, lz.decompress),
}

FrameHeader = namedtuple("FrameHeader", "method original_length payload_length checksum")


class FrameError(ValueError):
    """Raised for a damaged or unsupported frame."""


def adler32(data):
    """Adler-32 checksum, as in zlib."""
    a, b = 1, 0
    for byte in data:
        a = (a + byte) % 65521
        b = (b + a) % 65521
    return (b << 16) | a


def _method_code(method):
    try:
        return METHODS[method]
    except KeyError:
        raise ValueError(f"unknown compression method {method!r}") from None


def choose_encoding(data):
    """Return (method code, payload) for the smallest encoding; raw wins ties."""
    best_code, best_payload = METHOD_RAW, bytes(data)
    for code in (METHOD_PACKBITS, METHOD_LZSS):
        payload = _CODECS[code][0](data)
        if len(payload) < len(best_payload):
            best_code, best_payload = code, payload
    return best_code, best_payload


def encode_frame(data, method="auto"):
    data = bytes(data)
    if method == "auto":
        code, payload = choose_encoding(data)
    else:
        code = _method_code(method)
        payload = _CODECS[code][0](data)
    header = HEADER.pack(MAGIC, VERSION, code, len(data), len(payload), adler32(data))
    return header + payload


def read_header(blob, offset=0):
    if len(blob) - offset < HEADER.size:
        raise FrameError(f"truncated frame header at offset {offset}")
    magic, version, method, original, payload, check = HEADER.unpack_from(blob, offset)
    if magic != MAGIC:
        raise FrameError(f"bad magic {magic!r} at offset {offset}")
    if version != VERSION:
        raise FrameError(f"unsupported frame version {version}")
    if method not in _CODECS:
        raise FrameError(f"unknown method code {method}")
    return FrameHeader(method, original, payload, check)


def decode_frame(blob, offset=0):
    """Decode the frame starting at ``offset``; return (data, offset of the next frame)."""
    header = read_header(blob, offset)
    start = offset + HEADER.size
    end = start + header.payload_length
    if end > len(blob):
        raise FrameError("frame payload is truncated")
    data = _CODECS[header.method][1](blob[start:end])
    if len(data) != header.original_length:
        raise FrameError(f"expected {header.original_length} bytes, decoded {len(data)}")
    if adler32(data) != header.checksum:
        raise FrameError("checksum mismatch")
    return data, end


def iter_frames(blob):
    """Yield the decoded data of each frame in a concatenation of frames."""
    offset = 0
    while offset < len(blob):
        data, offset = decode_frame(blob, offset)
        yield data


def decode_all(blob):
    return b"".join(iter_frames(blob))


class FrameWriter:
    """Collects written bytes and emits one frame per ``chunk_size`` bytes."""

    def __init__(self, chunk_size=4096, method="auto"):
        if chunk_size <= 0:
            raise ValueError("chunk_size must be positive")
        if method != "auto":
            _method_code(method)
        self.chunk_size = chunk_size
        self.method = method
        self.bytes_in = 0
        self.bytes_out = 0
        self.frames_written = 0
        self._buffer = bytearray()
        self._frames = []

    def write(self, data):
        self._buffer.extend(data)
        self.bytes_in += len(data)
        while len(self._buffer) >= self.chunk_size:
            chunk = bytes(self._buffer[:self.chunk_size])
            del self._buffer[:self.chunk_size]
            self._emit(chunk)
        return len(data)

    def _emit(self, chunk):
        frame = encode_frame(chunk, self.method)
        self._frames.append(frame)
        self.bytes_out += len(frame)
        self.frames_written += 1

    def flush(self):
        if self._buffer:
            self._emit(bytes(self._buffer))
            self._buffer.clear()

    def getvalue(self):
        self.flush()
        return b"".join(self._frames)

    def ratio(self):
        """Output bytes per input byte so far (1.0 before anything was written)."""
        if self.bytes_in == 0:
            return 1.0
        return self.bytes_out / self.bytes_in
