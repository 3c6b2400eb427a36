package com.clozette.analytics.log;

import java.io.IOException;

/** An append was made to, or was still pending in, an {@link EventLog} that is closed. */
public final class LogClosedException extends IOException {
    public LogClosedException(String message) {
        super(message);
    }
}
