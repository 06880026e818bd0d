"""Reads the constant tensors out of an ONNX file, with no ONNX library.

Interview actors score speech with Silero VAD but must not load onnxruntime: its shared
library and session arenas cost every actor ~40 MB resident (benchmarks/README.md). The
Silero model Pipecat bundles keeps all of its weights in `Constant` nodes, some inside `If`
branches, so reading them needs only the protobuf wire format, decoded here.

Only what weights need is understood: ModelProto.graph, GraphProto.node, NodeProto.output /
op_type / attribute, AttributeProto.t / g / graphs, and TensorProto dims / data_type /
raw_data / float_data / int64_data. Anything else is skipped by wire type.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from pathlib import Path

import numpy as np

# Wire types of the protobuf encoding.
_VARINT, _FIXED64, _LEN, _FIXED32 = 0, 1, 2, 5
# TensorProto.data_type values this reader turns into arrays.
_DTYPES = {1: np.float32, 6: np.int32, 7: np.int64, 11: np.float64}


class OnnxReadError(ValueError):
    """The file is not an ONNX model this reader can take constants from."""

    code = "onnx_unreadable"


def _varint(data: memoryview, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if pos >= len(data):
            raise OnnxReadError("truncated varint")
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7
        if shift > 63:
            raise OnnxReadError("varint longer than 64 bits")


def _fields(data: memoryview) -> Iterator[tuple[int, int, int | memoryview]]:
    """(field number, wire type, value) for each field of one message."""
    pos = 0
    while pos < len(data):
        key, pos = _varint(data, pos)
        field, wire = key >> 3, key & 7
        if wire == _VARINT:
            value, pos = _varint(data, pos)
            yield field, wire, value
        elif wire == _LEN:
            size, pos = _varint(data, pos)
            if pos + size > len(data):
                raise OnnxReadError("field runs past the end of its message")
            yield field, wire, data[pos : pos + size]
            pos += size
        elif wire == _FIXED64:
            pos += 8
        elif wire == _FIXED32:
            pos += 4
        else:
            raise OnnxReadError(f"unsupported wire type {wire}")


def _ints(wire: int, value: int | memoryview) -> list[int]:
    """A repeated int64 field, packed or not."""
    if wire == _VARINT:
        assert isinstance(value, int)
        return [value]
    assert isinstance(value, memoryview)
    out, pos = [], 0
    while pos < len(value):
        item, pos = _varint(value, pos)
        out.append(item - (1 << 64) if item >= 1 << 63 else item)
    return out


def _tensor(data: memoryview) -> np.ndarray:
    dims: list[int] = []
    dtype_code = 0
    raw: bytes | None = None
    floats: list[float] = []
    int64s: list[int] = []
    for field, wire, value in _fields(data):
        if field == 1:
            dims.extend(_ints(wire, value))
        elif field == 2 and isinstance(value, int):
            dtype_code = value
        elif field == 9 and isinstance(value, memoryview):
            raw = bytes(value)
        elif field == 4 and isinstance(value, memoryview):
            floats.extend(struct.unpack(f"<{len(value) // 4}f", value))
        elif field == 7:
            int64s.extend(_ints(wire, value))
    dtype = _DTYPES.get(dtype_code)
    if dtype is None:
        raise OnnxReadError(f"tensor data type {dtype_code} is not supported")
    if raw is not None:
        array = np.frombuffer(raw, dtype=np.dtype(dtype).newbyteorder("<"))
    elif floats:
        array = np.asarray(floats, dtype=dtype)
    else:
        array = np.asarray(int64s, dtype=dtype)
    expected = int(np.prod(dims)) if dims else 1
    if array.size != expected:
        raise OnnxReadError(f"tensor holds {array.size} values, its shape {dims} needs {expected}")
    return array.astype(dtype, copy=False).reshape(dims)


def _graph_constants(data: memoryview, out: dict[str, np.ndarray]) -> None:
    for field, _wire, node in _fields(data):
        if field != 1 or not isinstance(node, memoryview):
            continue
        outputs: list[str] = []
        op_type = ""
        tensors: list[memoryview] = []
        for nfield, _nwire, value in _fields(node):
            if not isinstance(value, memoryview):
                continue
            if nfield == 2:
                outputs.append(bytes(value).decode())
            elif nfield == 4:
                op_type = bytes(value).decode()
            elif nfield == 5:
                for afield, _awire, avalue in _fields(value):
                    if not isinstance(avalue, memoryview):
                        continue
                    if afield == 5:
                        tensors.append(avalue)
                    elif afield in (6, 11):  # a subgraph (If/Loop branches)
                        _graph_constants(avalue, out)
        if op_type == "Constant" and outputs and tensors:
            out[outputs[0]] = _tensor(tensors[0])


def read_constants(path: str | Path) -> dict[str, np.ndarray]:
    """Every `Constant` node's value in the model, by output name, subgraphs included."""
    try:
        data = memoryview(Path(path).read_bytes())
    except OSError as exc:
        raise OnnxReadError(f"cannot read {path}: {exc.strerror}") from exc
    constants: dict[str, np.ndarray] = {}
    for field, _wire, value in _fields(data):
        if field == 7 and isinstance(value, memoryview):
            _graph_constants(value, constants)
    if not constants:
        raise OnnxReadError(f"{path} has no constant tensors")
    return constants
