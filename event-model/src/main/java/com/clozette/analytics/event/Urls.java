package com.clozette.analytics.event;

/** URL handling by the rules of RULES.md, lenient about everything those rules do not mention. */
public final class Urls {
  private Urls() {}

  /**
   * Whether the text is an absolute URL: a scheme, {@code ://} and a non-empty host. Deliberately not
   * {@link java.net.URI}, which rejects real-world URLs with spaces or unescaped characters in the
   * path that browsers send every day.
   */
  public static boolean isAbsolute(String url) {
    int schemeEnd = schemeEnd(url);
    if (schemeEnd < 0) {
      return false;
    }
    int hostStart = schemeEnd + 3;
    return hostStart < url.length() && !isPathStart(url.charAt(hostStart));
  }

  /**
   * The page of a URL: its path without scheme, host, query or fragment; an empty path is {@code /}.
   * The path is otherwise kept exactly as sent ({@code /shop} and {@code /shop/} differ).
   */
  public static String path(String url) {
    int schemeEnd = schemeEnd(url);
    int start = schemeEnd < 0 ? 0 : schemeEnd + 3;
    int pathStart = url.length();
    for (int i = start; i < url.length(); i++) {
      if (isPathStart(url.charAt(i))) {
        pathStart = i;
        break;
      }
    }
    if (pathStart == url.length() || url.charAt(pathStart) != '/') {
      return "/";
    }
    int pathEnd = url.length();
    for (int i = pathStart; i < url.length(); i++) {
      char c = url.charAt(i);
      if (c == '?' || c == '#') {
        pathEnd = i;
        break;
      }
    }
    return url.substring(pathStart, pathEnd);
  }

  /** The host of an absolute URL, lower-cased, or null when the text has none. */
  public static String host(String url) {
    if (url == null) {
      return null;
    }
    int schemeEnd = schemeEnd(url);
    if (schemeEnd < 0) {
      return null;
    }
    int start = schemeEnd + 3;
    int end = start;
    while (end < url.length() && !isPathStart(url.charAt(end))) {
      end++;
    }
    String authority = url.substring(start, end);
    int at = authority.lastIndexOf('@');
    String hostPort = at >= 0 ? authority.substring(at + 1) : authority;
    int colon = hostPort.startsWith("[") ? hostPort.indexOf("]:") + 1 : hostPort.lastIndexOf(':');
    String host = colon > 0 ? hostPort.substring(0, colon) : hostPort;
    return host.isEmpty() ? null : host.toLowerCase(java.util.Locale.ROOT);
  }

  /** The first value of a query parameter of the URL, percent-decoded, or null when absent. */
  public static String queryParameter(String url, String name) {
    if (url == null) {
      return null;
    }
    int query = url.indexOf('?');
    if (query < 0) {
      return null;
    }
    int fragment = url.indexOf('#', query);
    String queryText = url.substring(query + 1, fragment < 0 ? url.length() : fragment);
    for (String pair : queryText.split("&")) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      if (key.equals(name)) {
        String value = eq < 0 ? "" : pair.substring(eq + 1);
        try {
          return java.net.URLDecoder.decode(value, java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformedEscape) {
          return value;
        }
      }
    }
    return null;
  }

  private static boolean isPathStart(char c) {
    return c == '/' || c == '?' || c == '#';
  }

  private static int schemeEnd(String url) {
    int colon = url.indexOf("://");
    if (colon <= 0) {
      return -1;
    }
    if (!isAsciiLetter(url.charAt(0))) {
      return -1;
    }
    for (int i = 1; i < colon; i++) {
      char c = url.charAt(i);
      if (!(isAsciiLetter(c) || (c >= '0' && c <= '9') || c == '+' || c == '.' || c == '-')) {
        return -1;
      }
    }
    return colon;
  }

  private static boolean isAsciiLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }
}
