package com.clozette.analytics.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.SelfSignedCertificate;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With a certificate and key in config the server speaks HTTPS only: TLS 1.2 with ECDHE and AEAD
 * suites, or TLS 1.3, and every answer says Strict-Transport-Security. Handshakes are made by the
 * JDK's own TLS client, which still offers what a careless client would (static RSA, CBC).
 */
class TlsTest {
  private static final String ONE_YEAR = "max-age=31536000";

  @TempDir static Path dataDir;
  private static SelfSignedCertificate certificate;
  private static TestSystem system;
  private static SSLContext trusting;

  @BeforeAll
  static void start() throws Exception {
    certificate = SelfSignedCertificate.create("localhost");
    system = TestSystem.start(dataDir, Map.of(
        "ANALYTICS_TLS_CERT", certificate.certificatePath(),
        "ANALYTICS_TLS_KEY", certificate.privateKeyPath()));
    trusting = trusting(Path.of(certificate.certificatePath()));
  }

  @AfterAll
  static void stop() {
    system.close();
    certificate.delete();
  }

  @Test
  void configuredCertificateServesHttpsAndRefusesPlainHttp() {
    Vertx vertx = Vertx.vertx();
    try {
      WebClient https = https(vertx);
      HttpResponse<Buffer> health = https.get(system.server().port(), "127.0.0.1", "/health").send().await();
      assertEquals(200, health.statusCode());
      HttpResponse<Buffer> report = https.get(system.server().port(), "127.0.0.1", "/api/v1/report?site=clozette-id&from=2026-11-02&to=2026-11-09")
          .bearerTokenAuthentication(TestSystem.STAFF_TOKEN).send().await();
      assertEquals(200, report.statusCode());

      WebClient plain = WebClient.create(vertx);
      assertThrows(Exception.class, () -> plain.get(system.server().port(), "127.0.0.1", "/health").send().await());
    } finally {
      vertx.close().await();
    }
  }

  @Test
  void tls12WithEcdheAndAesGcmIsAccepted() throws IOException {
    assertEquals("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", handshake("TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"));
    assertEquals("TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", handshake("TLSv1.2", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"));
  }

  @Test
  void tls13IsAccepted() throws IOException {
    assertEquals("TLS_AES_128_GCM_SHA256", handshake("TLSv1.3", "TLS_AES_128_GCM_SHA256"));
  }

  @Test
  void staticRsaKeyExchangeIsRefused() {
    assertThrows(SSLException.class, () -> handshake("TLSv1.2", "TLS_RSA_WITH_AES_128_CBC_SHA"));
    assertThrows(SSLException.class, () -> handshake("TLSv1.2", "TLS_RSA_WITH_AES_128_GCM_SHA256"));
  }

  @Test
  void cbcAndSha1SuitesAreRefusedEvenWithEcdhe() {
    assertThrows(SSLException.class, () -> handshake("TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"));
    assertThrows(SSLException.class, () -> handshake("TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384"));
  }

  @Test
  void tls11IsRefused() {
    assertThrows(SSLException.class, () -> handshake("TLSv1.1", null));
  }

  @Test
  void everyHttpsAnswerCarriesStrictTransportSecurity() {
    Vertx vertx = Vertx.vertx();
    try {
      WebClient https = https(vertx);
      int port = system.server().port();
      assertEquals(ONE_YEAR, hsts(https.get(port, "127.0.0.1", "/health").send().await()));
      assertEquals(ONE_YEAR, hsts(https.get(port, "127.0.0.1", "/metrics").send().await()));
      assertEquals(ONE_YEAR, hsts(https.get(port, "127.0.0.1", "/api/v1/report?site=clozette-id&from=2026-11-02&to=2026-11-09")
          .bearerTokenAuthentication(TestSystem.STAFF_TOKEN).send().await()), "the API");
      assertEquals(ONE_YEAR, hsts(https.get(port, "127.0.0.1", "/api/v1/report").send().await()), "a refused API call");
      assertEquals(ONE_YEAR, hsts(https.post(port, "127.0.0.1", "/collect").putHeader("Content-Type", "application/json")
          .sendBuffer(Buffer.buffer("{\"site\": \"clozette-id\", \"url\": \"https://www.clozette.co.id/\", \"vid\": \"v1\"}"))
          .await()), "the collector");
      assertEquals(ONE_YEAR, hsts(https.get(port, "127.0.0.1", "/p.gif?site=clozette-id&url=https%3A%2F%2Fwww.clozette.co.id%2F")
          .send().await()), "the pixel");
      assertEquals(ONE_YEAR, hsts(https.get(port, "127.0.0.1", "/dashboard/").send().await()), "the dashboard");
      assertEquals(ONE_YEAR, hsts(https.get(port, "127.0.0.1", "/no-such-page").send().await()), "a 404");
      assertEquals(ONE_YEAR, hsts(https.get(port, "127.0.0.1", "/p.gif?" + "x".repeat(4096)).send().await()), "a 414");
    } finally {
      vertx.close().await();
    }
  }

  @Test
  void plainHttpAnswersNeverCarryStrictTransportSecurity(@TempDir Path plainDataDir) {
    try (TestSystem plain = TestSystem.start(plainDataDir)) {
      assertFalse(plain.get("/health", null).headers().firstValue("Strict-Transport-Security").isPresent());
      assertFalse(plain.get("/dashboard/", null).headers().firstValue("Strict-Transport-Security").isPresent());
    }
  }

  @Test
  void hstsMaxAgeZeroSendsNone(@TempDir Path otherDir) throws Exception {
    Path config = otherDir.resolve("analytics.yaml");
    String shipped = Files.readString(TestSystem.repositoryConfig());
    assertTrue(shipped.contains("hstsMaxAgeSeconds: 31536000"), "the shipped config documents the key");
    Files.writeString(config, shipped.replace("hstsMaxAgeSeconds: 31536000", "hstsMaxAgeSeconds: 0"));
    Vertx vertx = Vertx.vertx();
    try (TestSystem noHsts = TestSystem.start(otherDir.resolve("data"), Map.of("ANALYTICS_CONFIG", config.toString(),
        "ANALYTICS_TLS_CERT", certificate.certificatePath(), "ANALYTICS_TLS_KEY", certificate.privateKeyPath()))) {
      HttpResponse<Buffer> health = https(vertx).get(noHsts.server().port(), "127.0.0.1", "/health").send().await();
      assertEquals(200, health.statusCode());
      assertEquals(null, hsts(health));
    } finally {
      vertx.close().await();
    }
  }

  /** Handshakes offering only the given protocol and suite (or the JDK's for that protocol); returns the suite agreed. */
  private static String handshake(String protocol, String suite) throws IOException {
    try (SSLSocket socket = (SSLSocket) trusting.getSocketFactory().createSocket("127.0.0.1", system.server().port())) {
      socket.setSoTimeout(10_000);
      socket.setEnabledProtocols(new String[] {protocol});
      if (suite != null) {
        socket.setEnabledCipherSuites(new String[] {suite});
      }
      socket.startHandshake();
      return socket.getSession().getCipherSuite();
    }
  }

  private static WebClient https(Vertx vertx) {
    return WebClient.create(vertx, new WebClientOptions().setSsl(true).setVerifyHost(false)
        .setTrustOptions(new PemTrustOptions().addCertPath(certificate.certificatePath())));
  }

  private static String hsts(HttpResponse<Buffer> response) {
    return response.getHeader("Strict-Transport-Security");
  }

  private static SSLContext trusting(Path certificatePem) throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(certificatePem)) {
      trust.setCertificateEntry("server", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, factory.getTrustManagers(), null);
    return context;
  }
}
