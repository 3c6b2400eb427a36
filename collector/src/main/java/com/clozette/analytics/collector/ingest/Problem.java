package com.clozette.analytics.collector.ingest;

/** One refused event of a request: its index in the batch (0 for a single event) and why. */
record Problem(int index, String error, String message) {}
