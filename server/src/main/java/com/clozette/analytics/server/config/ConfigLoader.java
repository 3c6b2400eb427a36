package com.clozette.analytics.server.config;

import com.clozette.analytics.aggregator.session.SessionRule;
import com.clozette.analytics.collector.IpRange;
import com.clozette.analytics.log.FsyncPolicy;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the YAML config, applies the {@code ANALYTICS_*} environment overrides, and validates every
 * key, failing with a {@link ConfigException} that names the key. Unknown keys are errors too: a
 * typo must not silently fall back to a default.
 */
public final class ConfigLoader {
  public static final String DEFAULT_FILE = "config/analytics.yaml";
  private static final Pattern SITE_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");
  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern COOKIE_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}");
  private static final Pattern COOKIE_DOMAIN = Pattern.compile("\\.?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private ConfigLoader() {}

  /** Loads {@code ANALYTICS_CONFIG} (or config/analytics.yaml) with the process environment applied. */
  public static AnalyticsConfig load(Map<String, String> env) {
    Path file = Path.of(env.getOrDefault("ANALYTICS_CONFIG", DEFAULT_FILE));
    if (!Files.isRegularFile(file)) {
      throw new ConfigException("ANALYTICS_CONFIG", "no config file at " + file.toAbsolutePath());
    }
    try {
      return parse(Files.readString(file), env, file.toAbsolutePath().getParent());
    } catch (IOException e) {
      throw new ConfigException("ANALYTICS_CONFIG", "cannot read " + file + ": " + e.getMessage());
    }
  }

  /** Parses config text with the given environment applied, paths in it relative to the working directory. */
  public static AnalyticsConfig parse(String yaml, Map<String, String> env) {
    return parse(yaml, env, Path.of("").toAbsolutePath());
  }

  /**
   * Parses config text with the given environment applied. {@code druid.specDir} in the text is
   * relative to {@code configDir} (the specs ship beside the file), in {@code ANALYTICS_DRUID_SPEC_DIR}
   * to the working directory, as any path typed in a shell.
   */
  public static AnalyticsConfig parse(String yaml, Map<String, String> env, Path configDir) {
    JsonNode root;
    try {
      root = YAML.readTree(yaml);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new ConfigException("(file)", "not valid YAML: " + e.getOriginalMessage());
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      root = YAML.createObjectNode();
    }
    if (!root.isObject()) {
      throw new ConfigException("(file)", "the top level must be a mapping of keys");
    }
    ObjectNode config = (ObjectNode) root;
    applyEnvironment(config, env);
    onlyKeys(config, "", Set.of("server", "dataDir", "sites", "log", "sessions", "auth", "store", "sink", "kafka", "druid", "collector", "duckdb", "metrics"));

    JsonNode server = section(config, "server", Set.of("port", "host", "tls"));
    int port = integer(server, "server.port", 8080, 0, 65535);
    String host = text(server, "server.host", "0.0.0.0");
    AnalyticsConfig.Tls tls = tls(server);
    Path dataDir = Path.of(text(config, "dataDir", "./data"));

    List<AnalyticsConfig.Site> sites = sites(config.get("sites"));
    Set<String> siteIds = new LinkedHashSet<>();
    sites.forEach(site -> siteIds.add(site.id()));

    JsonNode log = section(config, "log", Set.of("segmentBytes", "fsync", "fsyncIntervalMs", "retentionHours", "preallocate"));
    AnalyticsConfig.Log logConfig = new AnalyticsConfig.Log(
        longValue(log, "log.segmentBytes", 64L << 20, 1L << 16, 1L << 34),
        enumValue(log, "log.fsync", FsyncPolicy.class, FsyncPolicy.ALWAYS),
        Duration.ofMillis(longValue(log, "log.fsyncIntervalMs", 200, 1, 60_000)),
        Duration.ofHours(longValue(log, "log.retentionHours", 168, 1, 24L * 365 * 10)),
        bool(log, "log.preallocate", true));

    JsonNode sessions = section(config, "sessions", Set.of("gapMinutes"));
    Duration gap = Duration.ofMinutes(longValue(sessions, "sessions.gapMinutes", SessionRule.DEFAULT_GAP.toMinutes(), 1, 24 * 60));

    return new AnalyticsConfig(host, port, tls, dataDir, sites, logConfig, gap, auth(config, siteIds), scaleOut(config, env, configDir, gap), collector(config),
        duckdb(config), metrics(config));
  }

  private static AnalyticsConfig.DuckDb duckdb(ObjectNode config) {
    JsonNode duckdb = section(config, "duckdb", Set.of("memoryLimitMb", "threads", "dedupeWindowHours", "loadWindowMs", "queryTimeoutSeconds"));
    AnalyticsConfig.DuckDb defaults = AnalyticsConfig.DuckDb.DEFAULTS;
    return new AnalyticsConfig.DuckDb(
        integer(duckdb, "duckdb.memoryLimitMb", defaults.memoryLimitMb(), 64, 1 << 20),
        integer(duckdb, "duckdb.threads", defaults.threads(), 1, 256),
        Duration.ofHours(longValue(duckdb, "duckdb.dedupeWindowHours", defaults.dedupeWindow().toHours(), 1, 24L * 400)),
        Duration.ofMillis(longValue(duckdb, "duckdb.loadWindowMs", defaults.loadWindow().toMillis(), 0, 10_000)),
        Duration.ofSeconds(longValue(duckdb, "duckdb.queryTimeoutSeconds", defaults.queryTimeout().toSeconds(), 1, 3600)));
  }

  private static AnalyticsConfig.Metrics metrics(ObjectNode config) {
    JsonNode metrics = section(config, "metrics", Set.of("token", "sha256"));
    String token = text(metrics, "metrics.token", "");
    String hash = text(metrics, "metrics.sha256", "").toLowerCase(Locale.ROOT);
    if (!token.isEmpty() && !hash.isEmpty()) {
      throw new ConfigException("metrics.sha256", "set metrics.token (ANALYTICS_METRICS_TOKEN) or metrics.sha256, not both");
    }
    if (!token.isEmpty()) {
      requireStrongToken("metrics.token (ANALYTICS_METRICS_TOKEN)", token);
      return new AnalyticsConfig.Metrics(sha256Hex(token));
    }
    if (!hash.isEmpty()) {
      if (!SHA256_HEX.matcher(hash).matches()) {
        throw new ConfigException("metrics.sha256", "must be 64 hex digits: printf %s \"$TOKEN\" | sha256sum");
      }
      return new AnalyticsConfig.Metrics(hash);
    }
    return AnalyticsConfig.Metrics.OPEN;
  }

  private static AnalyticsConfig.Collector collector(ObjectNode config) {
    JsonNode collector = section(config, "collector", Set.of("cookieName", "cookieDomain", "trustedProxies"));
    String cookieName = text(collector, "collector.cookieName", AnalyticsConfig.Collector.DEFAULTS.cookieName());
    if (!COOKIE_NAME.matcher(cookieName).matches()) {
      throw new ConfigException("collector.cookieName", "must be a cookie name of letters, digits and !#$%&'*+.^_`|~-, not '" + cookieName + "'");
    }
    String cookieDomain = text(collector, "collector.cookieDomain", "");
    if (!cookieDomain.isEmpty() && !COOKIE_DOMAIN.matcher(cookieDomain).matches()) {
      throw new ConfigException("collector.cookieDomain", "must be a domain such as .clozette.co.id, not '" + cookieDomain + "'");
    }
    // A list in the file; ANALYTICS_TRUSTED_PROXIES gives one comma-separated text.
    JsonNode proxies = collector.get("trustedProxies");
    List<String> entries = new ArrayList<>();
    if (proxies != null && proxies.isArray()) {
      proxies.forEach(proxy -> entries.add(proxy.asText()));
    } else if (proxies != null && proxies.isValueNode()) {
      for (String proxy : proxies.asText().split(",")) {
        if (!proxy.isBlank()) {
          entries.add(proxy.trim());
        }
      }
    } else if (proxies != null && !proxies.isNull()) {
      throw new ConfigException("collector.trustedProxies", "must be a list of IP addresses or CIDR blocks");
    }
    for (int i = 0; i < entries.size(); i++) {
      try {
        IpRange.parse(entries.get(i));
      } catch (IllegalArgumentException e) {
        throw new ConfigException("collector.trustedProxies[" + i + "]", e.getMessage());
      }
    }
    return new AnalyticsConfig.Collector(cookieName, cookieDomain.isEmpty() ? null : cookieDomain.toLowerCase(Locale.ROOT), List.copyOf(entries));
  }

  private static AnalyticsConfig.ScaleOut scaleOut(ObjectNode config, Map<String, String> env, Path configDir, Duration sessionGap) {
    AnalyticsConfig.Store store = enumValue(config, "store", AnalyticsConfig.Store.class, AnalyticsConfig.Store.DUCKDB);
    AnalyticsConfig.Sink sink = enumValue(config, "sink", AnalyticsConfig.Sink.class, AnalyticsConfig.Sink.LOG);
    // Each store reads what one sink writes: the loader tails the local log into DuckDB, Druid ingests Kafka.
    if ((store == AnalyticsConfig.Store.DRUID) != (sink == AnalyticsConfig.Sink.KAFKA)) {
      throw new ConfigException("sink", "store: " + store.name().toLowerCase(Locale.ROOT) + " needs sink: "
          + (store == AnalyticsConfig.Store.DRUID ? "kafka" : "log"));
    }
    JsonNode kafka = section(config, "kafka", Set.of("bootstrap", "eventsTopic", "cleanTopic", "sessionsTopic", "pageviewsTopic",
        "partitions", "replication", "applicationId", "sendTimeoutMs", "deliveryTimeoutMs",
        "stateRetentionHours", "visitorRetentionDays", "publishSessionPageviewsAfterIdleSeconds", "streamProcessor"));
    String bootstrap = text(kafka, "kafka.bootstrap", "localhost:9092");
    if (!bootstrap.matches("[^\\s,:]+:\\d+(,[^\\s,:]+:\\d+)*")) {
      throw new ConfigException("kafka.bootstrap", "must be host:port[,host:port...], not '" + bootstrap + "'");
    }
    AnalyticsConfig.Kafka kafkaConfig = new AnalyticsConfig.Kafka(bootstrap,
        topic(kafka, "kafka.eventsTopic", "events"), topic(kafka, "kafka.cleanTopic", "events-clean"),
        topic(kafka, "kafka.sessionsTopic", "sessions"), topic(kafka, "kafka.pageviewsTopic", "session-pageviews"),
        integer(kafka, "kafka.partitions", 6, 1, 10_000), integer(kafka, "kafka.replication", 1, 1, 32),
        topic(kafka, "kafka.applicationId", "clozette-stream"),
        Duration.ofMillis(longValue(kafka, "kafka.sendTimeoutMs", 1000, 1, 600_000)),
        Duration.ofMillis(longValue(kafka, "kafka.deliveryTimeoutMs", 5000, 1500, 600_000)),
        Duration.ofHours(longValue(kafka, "kafka.stateRetentionHours", 192, 1, 24 * 366)),
        Duration.ofDays(longValue(kafka, "kafka.visitorRetentionDays", 400, 1, 3660)),
        Duration.ofSeconds(longValue(kafka, "kafka.publishSessionPageviewsAfterIdleSeconds", sessionGap.toSeconds(), 1, 86_400)),
        bool(kafka, "kafka.streamProcessor", true));
    JsonNode druid = section(config, "druid", Set.of("url", "overlordUrl", "specDir", "eventsDatasource", "sessionsDatasource",
        "pageviewsDatasource", "queryTimeoutMs"));
    AnalyticsConfig.Druid druidConfig = new AnalyticsConfig.Druid(
        httpUrl(druid, "druid.url", "http://localhost:8082"), httpUrl(druid, "druid.overlordUrl", "http://localhost:8081"),
        env.containsKey("ANALYTICS_DRUID_SPEC_DIR") ? Path.of(env.get("ANALYTICS_DRUID_SPEC_DIR"))
            : configDir.resolve(text(druid, "druid.specDir", "druid")),
        topic(druid, "druid.eventsDatasource", "events"), topic(druid, "druid.sessionsDatasource", "sessions"),
        topic(druid, "druid.pageviewsDatasource", "session-pageviews"),
        Duration.ofMillis(longValue(druid, "druid.queryTimeoutMs", 30_000, 100, 600_000)));
    if (store == AnalyticsConfig.Store.DRUID && !Files.isDirectory(druidConfig.specDir())) {
      throw new ConfigException("druid.specDir", "no folder of supervisor specs at " + druidConfig.specDir().toAbsolutePath());
    }
    return new AnalyticsConfig.ScaleOut(store, sink, kafkaConfig, druidConfig);
  }

  /** Kafka topic and Druid datasource names alike: what both accept. */
  private static String topic(JsonNode node, String key, String defaultValue) {
    String name = text(node, key, defaultValue);
    if (!name.matches("[a-zA-Z0-9._-]{1,200}")) {
      throw new ConfigException(key, "must be 1 to 200 of a-z A-Z 0-9 . _ -, not '" + name + "'");
    }
    return name;
  }

  private static String httpUrl(JsonNode node, String key, String defaultValue) {
    String url = text(node, key, defaultValue);
    if (!url.matches("https?://[^/\\s]+/?")) {
      throw new ConfigException(key, "must be http(s)://host:port, not '" + url + "'");
    }
    return url;
  }

  private static AnalyticsConfig.Tls tls(JsonNode server) {
    JsonNode tls = section(server, "tls", Set.of("certFile", "keyFile", "hstsMaxAgeSeconds"));
    String cert = text(tls, "server.tls.certFile", "");
    String key = text(tls, "server.tls.keyFile", "");
    long hstsMaxAge = longValue(tls, "server.tls.hstsMaxAgeSeconds", AnalyticsConfig.Tls.DEFAULT_HSTS_MAX_AGE_SECONDS, 0, 63_072_000);
    if (cert.isEmpty() && key.isEmpty()) {
      return null;
    }
    for (String[] file : new String[][] {{"server.tls.certFile", cert}, {"server.tls.keyFile", key}}) {
      if (file[1].isEmpty()) {
        throw new ConfigException(file[0], "is required when the other TLS file is given");
      }
      if (!Files.isReadable(Path.of(file[1]))) {
        throw new ConfigException(file[0], "cannot read " + Path.of(file[1]).toAbsolutePath());
      }
    }
    return new AnalyticsConfig.Tls(Path.of(cert), Path.of(key), hstsMaxAge);
  }

  private static void applyEnvironment(ObjectNode config, Map<String, String> env) {
    override(config, env, "ANALYTICS_PORT", "server", "port");
    override(config, env, "ANALYTICS_TRUSTED_PROXIES", "collector", "trustedProxies");
    override(config, env, "ANALYTICS_HOST", "server", "host");
    override(config, env, "ANALYTICS_DATA_DIR", null, "dataDir");
    if (env.containsKey("ANALYTICS_TLS_CERT") || env.containsKey("ANALYTICS_TLS_KEY")) {
      JsonNode server = config.get("server");
      ObjectNode serverNode = server instanceof ObjectNode object ? object : config.putObject("server");
      JsonNode tls = serverNode.get("tls");
      ObjectNode tlsNode = tls instanceof ObjectNode object ? object : serverNode.putObject("tls");
      Optional.ofNullable(env.get("ANALYTICS_TLS_CERT")).ifPresent(cert -> tlsNode.put("certFile", cert));
      Optional.ofNullable(env.get("ANALYTICS_TLS_KEY")).ifPresent(key -> tlsNode.put("keyFile", key));
    }
    override(config, env, "ANALYTICS_FSYNC", "log", "fsync");
    override(config, env, "ANALYTICS_STAFF_TOKEN", "auth", "staffToken");
    override(config, env, "ANALYTICS_PARTNER_TOKEN", "auth", "partnerToken");
    override(config, env, "ANALYTICS_PARTNER_SITES", "auth", "partnerSites");
    override(config, env, "ANALYTICS_METRICS_TOKEN", "metrics", "token");
    override(config, env, "ANALYTICS_STORE", null, "store");
    override(config, env, "ANALYTICS_SINK", null, "sink");
    override(config, env, "ANALYTICS_KAFKA_BOOTSTRAP", "kafka", "bootstrap");
    override(config, env, "ANALYTICS_STREAM_PROCESSOR", "kafka", "streamProcessor");
    override(config, env, "ANALYTICS_PUBLISH_SESSION_PAGEVIEWS_AFTER_IDLE_SECONDS", "kafka", "publishSessionPageviewsAfterIdleSeconds");
    override(config, env, "ANALYTICS_DRUID_URL", "druid", "url");
    override(config, env, "ANALYTICS_DRUID_OVERLORD_URL", "druid", "overlordUrl");
  }

  private static void override(ObjectNode config, Map<String, String> env, String variable, String section, String key) {
    String value = env.get(variable);
    if (value == null) {
      return;
    }
    ObjectNode target = config;
    if (section != null) {
      JsonNode existing = config.get(section);
      target = existing instanceof ObjectNode object ? object : config.putObject(section);
    }
    target.put(key, value);
  }

  private static List<AnalyticsConfig.Site> sites(JsonNode node) {
    if (node == null || !node.isArray() || node.isEmpty()) {
      throw new ConfigException("sites", "at least one site must be declared");
    }
    List<AnalyticsConfig.Site> sites = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    for (int i = 0; i < node.size(); i++) {
      String key = "sites[" + i + "]";
      JsonNode site = node.get(i);
      if (!site.isObject()) {
        throw new ConfigException(key, "must be a mapping with id, timeZone, origins");
      }
      onlyKeys(site, key + ".", Set.of("id", "timeZone", "origins", "doNotTrack"));
      String id = text(site, key + ".id", null);
      if (id == null || !SITE_ID.matcher(id).matches()) {
        throw new ConfigException(key + ".id", "must match ^[a-z0-9][a-z0-9-]{0,63}$");
      }
      if (!seen.add(id)) {
        throw new ConfigException(key + ".id", "site '" + id + "' is declared twice");
      }
      String zone = text(site, key + ".timeZone", "Asia/Jakarta");
      ZoneId timeZone;
      try {
        timeZone = ZoneId.of(zone);
      } catch (DateTimeException e) {
        throw new ConfigException(key + ".timeZone", "'" + zone + "' is not a time zone");
      }
      List<String> origins = new ArrayList<>();
      JsonNode originList = site.get("origins");
      if (originList != null && !originList.isNull()) {
        if (!originList.isArray()) {
          throw new ConfigException(key + ".origins", "must be a list of origins such as https://www.clozette.co.id");
        }
        for (JsonNode origin : originList) {
          String text = origin.asText();
          if (!text.matches("https?://[^/\\s]+")) {
            throw new ConfigException(key + ".origins", "'" + text + "' is not an origin (scheme://host[:port], no path)");
          }
          origins.add(text.toLowerCase(Locale.ROOT));
        }
      }
      AnalyticsConfig.DoNotTrack dnt = enumValue(site, key + ".doNotTrack", AnalyticsConfig.DoNotTrack.class, AnalyticsConfig.DoNotTrack.IGNORE);
      sites.add(new AnalyticsConfig.Site(id, timeZone, List.copyOf(origins), dnt));
    }
    return List.copyOf(sites);
  }

  private static AnalyticsConfig.Auth auth(ObjectNode config, Set<String> siteIds) {
    JsonNode auth = section(config, "auth", Set.of("staffToken", "partnerToken", "partnerSites", "tokens"));
    List<AnalyticsConfig.Token> tokens = new ArrayList<>();
    String staffToken = text(auth, "auth.staffToken", "");
    if (!staffToken.isEmpty()) {
      requireStrongToken("auth.staffToken (ANALYTICS_STAFF_TOKEN)", staffToken);
      tokens.add(new AnalyticsConfig.Token("staff-env", sha256Hex(staffToken), "staff", Set.of(), 1));
    }
    String partnerToken = text(auth, "auth.partnerToken", "");
    if (!partnerToken.isEmpty()) {
      requireStrongToken("auth.partnerToken (ANALYTICS_PARTNER_TOKEN)", partnerToken);
      Set<String> granted = new LinkedHashSet<>();
      for (String site : text(auth, "auth.partnerSites", "").split(",")) {
        if (!site.isBlank()) {
          granted.add(knownSite("auth.partnerSites (ANALYTICS_PARTNER_SITES)", site.trim(), siteIds));
        }
      }
      tokens.add(new AnalyticsConfig.Token("partner-env", sha256Hex(partnerToken), "partner", granted.isEmpty() ? siteIds : granted, 5));
    }
    JsonNode list = auth.get("tokens");
    if (list != null && !list.isNull()) {
      if (!list.isArray()) {
        throw new ConfigException("auth.tokens", "must be a list");
      }
      for (int i = 0; i < list.size(); i++) {
        String key = "auth.tokens[" + i + "]";
        JsonNode token = list.get(i);
        onlyKeys(token, key + ".", Set.of("name", "sha256", "role", "sites", "smallCellK"));
        String name = text(token, key + ".name", "token-" + i);
        String hash = text(token, key + ".sha256", "").toLowerCase(Locale.ROOT);
        if (!SHA256_HEX.matcher(hash).matches()) {
          throw new ConfigException(key + ".sha256", "must be 64 hex digits: printf %s \"$TOKEN\" | sha256sum");
        }
        String role = text(token, key + ".role", "");
        if (!role.equals("staff") && !role.equals("partner")) {
          throw new ConfigException(key + ".role", "must be staff or partner");
        }
        Set<String> sites = new LinkedHashSet<>();
        JsonNode siteList = token.get("sites");
        if (siteList != null && siteList.isArray()) {
          for (JsonNode site : siteList) {
            sites.add(knownSite(key + ".sites", site.asText(), siteIds));
          }
        }
        int k = integer(token, key + ".smallCellK", 5, 1, 1_000_000);
        tokens.add(new AnalyticsConfig.Token(name, hash, role, Set.copyOf(sites), k));
      }
    }
    return new AnalyticsConfig.Auth(List.copyOf(tokens));
  }

  private static void requireStrongToken(String key, String token) {
    if (token.length() < 16) {
      throw new ConfigException(key, "must be at least 16 characters");
    }
  }

  private static String knownSite(String key, String site, Set<String> siteIds) {
    if (!siteIds.contains(site)) {
      throw new ConfigException(key, "site '" + site + "' is not declared under sites");
    }
    return site;
  }

  private static String sha256Hex(String token) {
    try {
      return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
          .digest(token.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode section(JsonNode config, String name, Set<String> keys) {
    JsonNode section = config.get(name);
    if (section == null || section.isNull()) {
      return YAML.createObjectNode();
    }
    if (!section.isObject()) {
      throw new ConfigException(name, "must be a mapping of keys");
    }
    onlyKeys(section, name + ".", keys);
    return section;
  }

  private static void onlyKeys(JsonNode node, String prefix, Set<String> keys) {
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!keys.contains(name)) {
        throw new ConfigException(prefix + name, "unknown key (known: " + String.join(", ", new java.util.TreeSet<>(keys)) + ")");
      }
    }
  }

  private static String text(JsonNode node, String key, String defaultValue) {
    JsonNode value = node.get(key.substring(key.lastIndexOf('.') + 1));
    if (value == null || value.isNull()) {
      return defaultValue;
    }
    if (!value.isValueNode()) {
      throw new ConfigException(key, "must be a single value");
    }
    return value.asText();
  }

  private static boolean bool(JsonNode node, String key, boolean defaultValue) {
    String text = text(node, key, null);
    if (text == null || text.isBlank()) {
      return defaultValue;
    }
    return switch (text.trim()) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new ConfigException(key, "must be true or false, not '" + text + "'");
    };
  }

  private static long longValue(JsonNode node, String key, long defaultValue, long min, long max) {
    String text = text(node, key, null);
    if (text == null || text.isBlank()) {
      return defaultValue;
    }
    try {
      long value = Long.parseLong(text.trim());
      if (value < min || value > max) {
        throw new ConfigException(key, "must be from " + min + " to " + max + ", not " + value);
      }
      return value;
    } catch (NumberFormatException e) {
      throw new ConfigException(key, "must be a whole number, not '" + text + "'");
    }
  }

  private static int integer(JsonNode node, String key, int defaultValue, int min, int max) {
    return (int) longValue(node, key, defaultValue, min, max);
  }

  private static <E extends Enum<E>> E enumValue(JsonNode node, String key, Class<E> type, E defaultValue) {
    String text = text(node, key, null);
    if (text == null || text.isBlank()) {
      return defaultValue;
    }
    try {
      return Enum.valueOf(type, text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      List<String> names = new ArrayList<>();
      for (E constant : type.getEnumConstants()) {
        names.add(constant.name().toLowerCase(Locale.ROOT));
      }
      throw new ConfigException(key, "must be one of " + String.join(", ", names) + ", not '" + text + "'");
    }
  }
}
