"""The feature file: read at start-up, read again on SIGHUP."""

import json
import logging
import sys

log = logging.getLogger(__name__)

MAX_FEATURES = 200


class FeatureStore:
    def __init__(self, path):
        self.path = path
        self.features = {}
        self.load_features()

    def load_features(self):
        try:
            with open(self.path) as f:
                features = json.load(f)
        except (OSError, ValueError) as err:
            log.error("cannot read feature file %s: %s", self.path, err)
            sys.exit(1)
        if len(features) > MAX_FEATURES:
            log.error("feature file has %d features, the limit is %d", len(features), MAX_FEATURES)
            sys.exit(1)
        self.features = features

    def reload(self, signum=None, frame=None):
        # On SIGHUP: a bad file now stops a worker that was serving, instead of keeping the last known-good.
        log.info("reloading %s", self.path)
        self.load_features()


def load_weights(path):
    try:
        with open(path) as f:
            return json.load(f)
    except ValueError:
        return {}
