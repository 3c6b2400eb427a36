import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;

/**
 * The framework's ceiling for the collector benchmark: a bare Vert.x 5 server on Netty's native
 * epoll transport that answers GET /p.gif with the 43-byte GIF and POST /collect, once its body is
 * read, with 204, and does nothing else. Run as a single-file source:
 * java -cp CLASSPATH BareGif.java PORT EVENT_LOOPS
 */
public class BareGif {
  static final Buffer GIF = Buffer.buffer(new byte[] {
      'G', 'I', 'F', '8', '9', 'a', 1, 0, 1, 0, (byte) 0x80, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 0xff,
      0x21, (byte) 0xf9, 4, 1, 0, 0, 0, 0, 0x2c, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x44, 1, 0, 0x3b});

  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    int eventLoops = Integer.parseInt(args[1]);
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true).setEventLoopPoolSize(eventLoops));
    vertx.deployVerticle(() -> new AbstractVerticle() {
      @Override
      public void start() {
        vertx.createHttpServer(new HttpServerOptions().setHttp2ClearTextEnabled(false)).requestHandler(request -> {
          if (request.method() == HttpMethod.POST) {
            request.body().onSuccess(body -> request.response().setStatusCode(204).end());
          } else {
            request.response().putHeader("Content-Type", "image/gif").putHeader("Cache-Control", "no-store").end(GIF);
          }
        }).listen(port, "127.0.0.1");
      }
    }, new DeploymentOptions().setInstances(eventLoops))
        .onSuccess(id -> System.out.println("bare Vert.x listening on " + port + " (native transport: " + vertx.isNativeTransportEnabled()
            + ", event loops: " + eventLoops + ")"))
        .onFailure(failure -> {
          failure.printStackTrace();
          System.exit(1);
        });
  }
}
