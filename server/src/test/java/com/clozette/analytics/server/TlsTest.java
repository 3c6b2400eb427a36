package com.clozette.analytics.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.Vertx;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.SelfSignedCertificate;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.core.buffer.Buffer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With a certificate and key in config the server speaks HTTPS only. */
class TlsTest {
  @TempDir Path dataDir;

  @Test
  void configuredCertificateServesHttpsAndRefusesPlainHttp() {
    SelfSignedCertificate certificate = SelfSignedCertificate.create("localhost");
    Vertx vertx = Vertx.vertx();
    try (TestSystem system = TestSystem.start(dataDir, Map.of(
        "ANALYTICS_TLS_CERT", certificate.certificatePath(),
        "ANALYTICS_TLS_KEY", certificate.privateKeyPath()))) {
      WebClient https = WebClient.create(vertx, new WebClientOptions().setSsl(true)
          .setTrustOptions(new PemTrustOptions().addCertPath(certificate.certificatePath())).setVerifyHost(false));
      HttpResponse<Buffer> health = https.get(system.server().port(), "127.0.0.1", "/health").send().await();
      assertEquals(200, health.statusCode());
      HttpResponse<Buffer> report = https.get(system.server().port(), "127.0.0.1", "/api/v1/report?site=clozette-id&from=2026-11-02&to=2026-11-09")
          .bearerTokenAuthentication(TestSystem.STAFF_TOKEN).send().await();
      assertEquals(200, report.statusCode());

      WebClient plain = WebClient.create(vertx);
      assertThrows(Exception.class, () -> plain.get(system.server().port(), "127.0.0.1", "/health").send().await());
    } finally {
      certificate.delete();
      vertx.close().await();
    }
  }
}
