"""A job worker that scores jobs with a machine-generated feature file, reloaded on SIGHUP."""
