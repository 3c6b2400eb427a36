package com.clozette.analytics.collector.tracker;

import com.clozette.analytics.collector.ErrorResponse;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /t.js}: the tracker script, read once from the classpath (the tracker's build puts it
 * at {@code tracker/t.js}). Its ETag is a hash of its content, so a browser revalidates with
 * If-None-Match and gets a 304 until the script changes. The URL carries no version, so the cache
 * lifetime is a day rather than a year: a new tracker reaches every browser within a day.
 */
public final class TrackerScriptHandler implements Handler<RoutingContext> {
  public static final String RESOURCE = "tracker/t.js";
  private static final Logger LOG = LoggerFactory.getLogger(TrackerScriptHandler.class);
  private static final String CACHE_CONTROL = "public, max-age=86400";

  private final Buffer script;
  private final String etag;

  private TrackerScriptHandler(Buffer script, String etag) {
    this.script = script;
    this.etag = etag;
  }

  /** Reads the script; when it is not on the classpath, logs a warning and answers 404. */
  public static TrackerScriptHandler fromClasspath(ClassLoader classLoader) {
    try (InputStream in = classLoader.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        LOG.warn("{} is not on the classpath: /t.js answers 404 until the tracker is built into the collector", RESOURCE);
        return new TrackerScriptHandler(null, null);
      }
      byte[] bytes = in.readAllBytes();
      return new TrackerScriptHandler(Buffer.buffer(bytes), etagOf(bytes));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (script == null) {
      ErrorResponse.send(ctx.response(), 404, "not_found", "the tracker script is not installed");
      return;
    }
    ctx.response()
        .putHeader(HttpHeaders.ETAG, etag)
        .putHeader(HttpHeaders.CACHE_CONTROL, CACHE_CONTROL);
    if (matches(ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH))) {
      ctx.response().setStatusCode(304).end();
      return;
    }
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "text/javascript; charset=utf-8").end(script);
  }

  /** If-None-Match is "*" or a list of ETags, weak ones prefixed W/, compared weakly (RFC 9110). */
  private boolean matches(String ifNoneMatch) {
    if (ifNoneMatch == null) {
      return false;
    }
    for (String tag : ifNoneMatch.split(",")) {
      String trimmed = tag.trim();
      if (trimmed.equals("*") || trimmed.equals(etag) || trimmed.equals("W/" + etag)) {
        return true;
      }
    }
    return false;
  }

  private static String etagOf(byte[] bytes) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
      return "\"" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 22) + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
