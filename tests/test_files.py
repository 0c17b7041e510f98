"""core.files.read_regular_file: one bounded, non-blocking reader for the session and
the lessons files, its limit and wording given by each."""

from __future__ import annotations

import os

import pytest

from core.files import read_regular_file


class Refused(ValueError):
    pass


def read(path, limit=10):
    return read_regular_file(path, limit, Refused, "x.txt could not be read", "a text file",
                             lambda n: f"{n} bytes is too many", "it grew")


def test_a_small_regular_file_is_read_whole(tmp_path):
    p = tmp_path / "a"
    p.write_bytes(b"0123456789")
    assert read(p) == b"0123456789"


@pytest.mark.parametrize("make, words", [
    (lambda p: p, "there is no such file"),
    (lambda p: (p.mkdir(), p)[1], "it is a folder, not a text file"),
    (lambda p: (os.mkfifo(p), p)[1], "not a regular file (a pipe, device or socket)"),
    (lambda p: (p.write_bytes(b"x" * 11), p)[1], "11 bytes is too many"),
    (lambda p: p.with_name("a\x00b"), "not a valid file name"),
])
def test_what_is_refused_names_why_in_the_callers_words(tmp_path, make, words):
    with pytest.raises(Refused, match="^x.txt could not be read: ") as info:
        read(make(tmp_path / "f"))
    assert words in str(info.value)


def test_a_device_is_refused_without_blocking():
    with pytest.raises(Refused, match="not a regular file"):
        read("/dev/zero")
