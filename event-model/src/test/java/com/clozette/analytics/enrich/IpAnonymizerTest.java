package com.clozette.analytics.enrich;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpAnonymizerTest {
  @ParameterizedTest(name = "{0} is stored as {1}")
  @CsvSource({
      "203.0.113.77, 203.0.113.0",
      "127.0.0.1, 127.0.0.0",
      "2001:db8:85a3:8d3:1319:8a2e:370:7348, 2001:db8:85a3:0:0:0:0:0",
      "[2001:db8:85a3::1], 2001:db8:85a3:0:0:0:0:0",
      "::1, 0:0:0:0:0:0:0:0",
  })
  void lastOctetOrLastEightyBitsAreZeroed(String raw, String stored) {
    assertEquals(stored, IpAnonymizer.anonymize(raw));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "example.com", "localhost", "<script>", "1.2.3.4.5.6", "dead.beef", "cafe.babe.face"})
  void anythingButAnAddressLiteralIsDropped(String raw) {
    assertNull(IpAnonymizer.anonymize(raw));
  }
}
