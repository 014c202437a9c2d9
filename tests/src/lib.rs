//! End-to-end tests of hindsight live in `tests/`; this library is empty.
