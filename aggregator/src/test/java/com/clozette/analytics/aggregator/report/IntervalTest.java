package com.clozette.analytics.aggregator.report;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The bucket count worked out without building buckets is the count of the buckets built, or one more. */
class IntervalTest {
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"Asia/Jakarta", "Asia/Singapore", "America/New_York", "Europe/London", "Asia/Kathmandu", "America/Santiago", "UTC"})
  void countedBucketsAreTheBuiltOnesOrOneMore(String zoneName) {
    ZoneId zone = ZoneId.of(zoneName);
    Random random = new Random(zoneName.hashCode());
    Instant base = Instant.parse("2024-01-01T00:00:00Z");
    for (int i = 0; i < 300; i++) {
      // Starts and ends anywhere, on whole hours and days too, over ranges up to about a year.
      long startMinutes = random.nextInt(3 * 365 * 24) * 60L + (random.nextBoolean() ? 0 : random.nextInt(60));
      long lengthMinutes = 1 + (random.nextBoolean() ? random.nextInt(400 * 24) * 60L : random.nextInt(400 * 24 * 60));
      Instant from = base.plus(Duration.ofMinutes(startMinutes));
      Instant to = from.plus(Duration.ofMinutes(lengthMinutes));
      for (Interval interval : Interval.values()) {
        long built = interval.boundaries(from, to, zone).size() - 1;
        long counted = interval.bucketsAtMost(from, to, zone);
        assertTrue(counted == built || counted == built + 1,
            interval + " from " + from + " to " + to + " in " + zone + ": built " + built + ", counted " + counted);
      }
    }
  }
}
