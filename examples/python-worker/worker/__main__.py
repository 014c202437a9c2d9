"""Entry point: `python -m worker FEATURE_FILE QUEUE_URL`."""

import signal
import sys

from worker.config import FeatureStore
from worker.jobs import connect, run


def main():
    if len(sys.argv) != 3:
        # Exiting on bad arguments at start-up is the idiom: not reported.
        sys.exit("usage: python -m worker FEATURE_FILE QUEUE_URL")
    store = FeatureStore(sys.argv[1])
    signal.signal(signal.SIGHUP, store.reload)
    run(connect(sys.argv[2]), store)


if __name__ == "__main__":
    main()
