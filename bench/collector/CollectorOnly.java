import com.clozette.analytics.collector.CollectorMetrics;
import com.clozette.analytics.collector.CollectorRoutes;
import com.clozette.analytics.collector.CollectorSettings;
import com.clozette.analytics.collector.HttpLimits;
import com.clozette.analytics.collector.sink.LocalLogSink;
import com.clozette.analytics.log.EventLog;
import com.clozette.analytics.log.FsyncPolicy;
import com.clozette.analytics.log.LogSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * The collector alone (issue 11's "collector-only instance"): the shipped collector routes (parsing,
 * validation, cookie, binary record, durable append with the given fsync policy) over the event log,
 * one HTTP server per core as the server runs them, and no loader, DuckDB or API. Run by run.sh as
 * the collector-only target, with the server jar as the class path:
 *
 *   java -cp server/target/clozette-analytics.jar bench/collector/CollectorOnly.java PORT DATA_DIR FSYNC
 */
public class CollectorOnly {
  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    Path dir = Path.of(args[1]);
    FsyncPolicy fsync = FsyncPolicy.valueOf(args[2].toUpperCase(java.util.Locale.ROOT));
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    EventLog log = EventLog.open(dir.resolve("log"), LogSettings.defaults().withFsyncPolicy(fsync));
    CollectorMetrics metrics = new CollectorMetrics(new SimpleMeterRegistry());
    CollectorSettings settings = new CollectorSettings(List.of(
        new CollectorSettings.Site("clozette-id", List.of("https://www.clozette.co.id"), false),
        new CollectorSettings.Site("clozette-sg", List.of("https://www.clozette.co"), false)),
        CollectorSettings.DEFAULT_COOKIE_NAME, null, List.of());
    Router router = new CollectorRoutes(settings, new LocalLogSink(log), metrics, Clock.systemUTC()).mount(Router.router(vertx));
    router.get("/health").handler(ctx -> ctx.response().end("ok"));
    vertx.deployVerticle(() -> new VerticleBase() {
          @Override
          public Future<?> start() {
            return vertx.createHttpServer(HttpLimits.applyTo(new HttpServerOptions()))
                .invalidRequestHandler(HttpLimits.invalidRequestHandler(metrics))
                .requestHandler(router)
                .listen(port, "127.0.0.1");
          }
        }, new DeploymentOptions().setInstances(Runtime.getRuntime().availableProcessors()))
        .await();
    System.out.println("collector-only listening on " + port + " (native transport: " + vertx.isNativeTransportEnabled() + ", fsync " + fsync + ")");
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      vertx.close().await();
      log.close();
    }));
  }
}
