"""The job loop: pop a job line from the queue, parse it, score it."""

import logging

from jobqueue import QueueClient

log = logging.getLogger(__name__)


def parse_job(line):
    fields = line.rstrip("\n").split("\t")
    return {"id": fields[0], "kind": fields[1], "payload": fields[2]}


def next_job(queue):
    while True:
        try:
            return queue.pop()
        except ConnectionError as err:
            log.warning("queue unavailable, retrying: %s", err)


def connect(url):
    return QueueClient(url, timeout=5.0)


def run(queue, store):
    while True:
        job = parse_job(next_job(queue))
        weight = store.features.get(job["kind"], 0.0)
        log.info("job %s scored %.2f", job["id"], weight)
