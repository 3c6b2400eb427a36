package com.clozette.analytics.enrich;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * isbot's list of crawler patterns (the list Umami and GoatCounter use; pinned in {@code
 * event-model/bot-list/package.json} and packaged as {@code bots/isbot-patterns.json}), compiled
 * so that a user agent a client chose costs time linear in its length.
 *
 * <p>All entries but a handful are joined into one RE2J pattern (an automaton: no backtracking,
 * whatever the input). RE2J has no lookarounds, and a few entries need them (e.g. {@code
 * (?<!cam)scan}); those are run by {@code java.util.regex} one by one, and only if they have no
 * unbounded quantifier ({@code *}, {@code +}, <code>{n,}</code>): each attempt then reads at most
 * the entry's own fixed span, so an entry costs O(length) too. A list update that breaks this rule
 * fails at load (and so in the tests) rather than shipping a pattern that could backtrack.
 */
public final class CrawlerList {
  static final String RESOURCE = "bots/isbot-patterns.json";
  private static final Pattern LOOKAROUND = Pattern.compile("\\(\\?<?[=!]");
  private static final Pattern UNBOUNDED_QUANTIFIER = Pattern.compile("(?<!\\\\)[*+]|\\{\\d+,\\}");

  private final String version;
  private final int size;
  private final com.google.re2j.Pattern linear;
  private final List<Pattern> lookarounds;

  private CrawlerList(String version, List<String> entries) {
    this.version = version;
    this.size = entries.size();
    List<String> plain = new ArrayList<>();
    List<Pattern> bounded = new ArrayList<>();
    for (String entry : entries) {
      if (!LOOKAROUND.matcher(entry).find()) {
        plain.add("(?:" + entry + ")");
      } else if (UNBOUNDED_QUANTIFIER.matcher(entry).find()) {
        throw new IllegalStateException("crawler list entry needs lookaround and has an unbounded quantifier: " + entry);
      } else {
        bounded.add(Pattern.compile(entry, Pattern.CASE_INSENSITIVE));
      }
    }
    this.linear = com.google.re2j.Pattern.compile(String.join("|", plain), com.google.re2j.Pattern.CASE_INSENSITIVE);
    this.lookarounds = List.copyOf(bounded);
  }

  static CrawlerList of(String version, List<String> entries) {
    return new CrawlerList(version, entries);
  }

  /** The list packaged with this build. */
  public static CrawlerList packaged() {
    try (InputStream in = CrawlerList.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is not on the classpath (built by event-model/bot-list)");
      }
      JsonNode list = new ObjectMapper().readTree(in);
      List<String> entries = new ArrayList<>();
      list.get("patterns").forEach(entry -> entries.add(entry.asText()));
      return new CrawlerList(list.get("source").asText() + " " + list.get("version").asText(), entries);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }

  /** Whether some entry of the list occurs in the user agent. */
  public boolean matches(String userAgent) {
    if (linear.matcher(userAgent).find()) {
      return true;
    }
    for (Pattern entry : lookarounds) {
      if (entry.matcher(userAgent).find()) {
        return true;
      }
    }
    return false;
  }

  /** Where the list came from, e.g. {@code isbot 5.2.3}. */
  public String version() {
    return version;
  }

  public int size() {
    return size;
  }
}
