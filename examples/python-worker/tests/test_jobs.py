"""Tests are test code: the same shapes here are not reported."""

import sys

from worker.jobs import parse_job


class FakeStore:
    def reload(self):
        sys.exit(1)


def test_parse_job():
    job = parse_job("7\tresize\t{}\n")
    fields = "7\tresize\t{}".split("\t")
    assert job["kind"] == fields[1]
