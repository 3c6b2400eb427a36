package com.clozette.analytics.server.config;

/** The configuration is not usable; the message names the key and what is wrong with it. */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String key, String problem) {
    super("config error: " + key + ": " + problem);
  }
}
