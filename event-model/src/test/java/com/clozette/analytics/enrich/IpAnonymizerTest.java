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

  @ParameterizedTest(name = "{0} carries {1}")
  @CsvSource({
      // 6to4: 2002:cb00:714d::/48 is 203.0.113.77's whole /48
      "2002:cb00:714d::1, 203.0.113.0",
      "2002:cb00:714d:1234:5678:9abc:def0:1234, 203.0.113.0",
      // Teredo: server 65.54.227.120, client 203.0.113.77 XOR 0xffffffff = 34ff:8eb2
      "2001:0:4136:e378:8000:63bf:34ff:8eb2, 203.0.113.0",
      "2001::4136:e378:8000:63bf:34ff:8eb2, 203.0.113.0",
      // IPv4-mapped, IPv4-compatible, NAT64 well-known prefix
      "::ffff:203.0.113.77, 203.0.113.0",
      "::ffff:cb00:714d, 203.0.113.0",
      "[::ffff:203.0.113.77], 203.0.113.0",
      "::203.0.113.77, 203.0.113.0",
      "64:ff9b::203.0.113.77, 203.0.113.0",
      "64:ff9b::cb00:714d, 203.0.113.0",
  })
  void anIpv6AddressCarryingAnIpv4AddressIsStoredAsThatIpv4WithItsLastOctetZeroed(String raw, String stored) {
    assertEquals(stored, IpAnonymizer.anonymize(raw));
  }

  @ParameterizedTest(name = "{0} is stored as {1}")
  @CsvSource({
      "::, 0:0:0:0:0:0:0:0",
      "2001:db8::cb00:714d, 2001:db8:0:0:0:0:0:0",
      "2003:cb00:714d::1, 2003:cb00:714d:0:0:0:0:0",
      "64:ff9b:1::cb00:714d, 64:ff9b:1:0:0:0:0:0",
  })
  void anIpv6AddressNearTheseFormsButCarryingNoIpv4KeepsItsFirst48Bits(String raw, String stored) {
    assertEquals(stored, IpAnonymizer.anonymize(raw));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "example.com", "localhost", "<script>", "1.2.3.4.5.6", "dead.beef", "cafe.babe.face"})
  void anythingButAnAddressLiteralIsDropped(String raw) {
    assertNull(IpAnonymizer.anonymize(raw));
  }
}
