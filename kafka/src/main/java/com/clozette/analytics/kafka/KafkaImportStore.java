package com.clozette.analytics.kafka;

import com.clozette.analytics.aggregator.report.DataChange;
import com.clozette.analytics.aggregator.store.EventStore;
import com.clozette.analytics.aggregator.store.IngestResult;
import com.clozette.analytics.aggregator.http.ApiException;
import com.clozette.analytics.event.Event;
import com.clozette.analytics.log.LogPosition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The importer's store at scale: a chunk of validated events goes to the events topic through the
 * {@link KafkaEventSink}, and {@link #insert} returns once Kafka acknowledged all of it, so an import
 * answers only for events Kafka holds. Copies within the chunk are counted as duplicates here;
 * copies of events stored earlier cannot be known without the stream processor's state, so they
 * count as accepted and the stream processor drops them (metric
 * {@code analytics.stream.events{outcome=duplicate}}).
 */
public final class KafkaImportStore implements EventStore {
  private final KafkaEventSink sink;
  private final Duration timeout;

  public KafkaImportStore(KafkaEventSink sink, Duration timeout) {
    this.sink = sink;
    this.timeout = timeout;
  }

  @Override
  public IngestResult insert(List<Event> events, LogPosition loadedUpTo) {
    Set<String> ids = new HashSet<>();
    List<Event> unique = new ArrayList<>(events.size());
    for (Event event : events) {
      if (ids.add(EventKeys.event(event.site(), event.id()))) {
        unique.add(event);
      }
    }
    try {
      sink.send(unique).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      // 503, not 500: Kafka being away is an outage the client retries; a retry's copies are dropped downstream
      throw new ApiException(503, "unavailable", "Kafka did not acknowledge the imported events; retry the import");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiException(503, "unavailable", "interrupted while waiting for Kafka; retry the import");
    }
    return new IngestResult(unique.size(), events.size() - unique.size());
  }

  /** Druid ingests the topics on its own; this process sees no commit to announce. */
  @Override
  public void addChangeListener(Consumer<DataChange> listener) {}

  @Override
  public Optional<LogPosition> loadedPosition() {
    return Optional.empty();
  }
}
