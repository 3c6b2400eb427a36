package com.clozette.analytics.collector;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Bytes on a plain TCP connection to the collector, for what an HTTP client library would not send
 * (a broken request, a body trickled without end) or would not wait for. It reads one answer: up to
 * the end of the body its Content-Length announces, or until the server closes the connection.
 */
final class RawHttp {
  private static final Pattern CONTENT_LENGTH = Pattern.compile("(?i)\r\ncontent-length: *(\\d+)");
  private RawHttp() {}

  /** The status and body of a raw HTTP/1.1 answer. */
  record Answer(int status, String headers, String body) {
    static Answer parse(String raw) {
      int headersEnd = raw.indexOf("\r\n\r\n");
      if (headersEnd < 0) {
        throw new AssertionError("no complete HTTP answer in: " + raw);
      }
      int status = Integer.parseInt(raw.substring(raw.indexOf(' ') + 1, raw.indexOf(' ') + 4));
      return new Answer(status, raw.substring(0, headersEnd), raw.substring(headersEnd + 4));
    }
  }

  /** Sends the parts in order and returns the answer. */
  static Answer exchange(Vertx vertx, int port, Buffer... parts) {
    NetClient client = vertx.createNetClient();
    try {
      NetSocket socket = client.connect(port, "127.0.0.1").await();
      Buffer received = Buffer.buffer();
      Promise<Void> answered = Promise.promise();
      socket.handler(data -> {
        received.appendBuffer(data);
        if (isComplete(received.toString(StandardCharsets.ISO_8859_1))) {
          answered.tryComplete();
        }
      });
      socket.closeHandler(v -> answered.tryComplete());
      for (Buffer part : parts) {
        socket.write(part);
      }
      answered.future().await();
      return Answer.parse(received.toString(StandardCharsets.ISO_8859_1));
    } finally {
      client.close();
    }
  }

  private static boolean isComplete(String raw) {
    int headersEnd = raw.indexOf("\r\n\r\n");
    if (headersEnd < 0) {
      return false;
    }
    Matcher length = CONTENT_LENGTH.matcher(raw.substring(0, headersEnd));
    return length.find() && raw.length() - headersEnd - 4 >= Integer.parseInt(length.group(1));
  }

  static Buffer text(String text) {
    return Buffer.buffer(text.getBytes(StandardCharsets.ISO_8859_1));
  }
}
