package com.clozette.analytics.event;

/** Size limits of event fields. RULES.md fixes the ids; the others keep one event well under 8 KB. */
public final class EventLimits {
  private EventLimits() {}

  public static final int MAX_ID_LENGTH = 128;
  public static final int MAX_VID_LENGTH = 128;
  public static final int MAX_URL_LENGTH = 2048;
  public static final int MAX_REF_LENGTH = 2048;
  public static final int MAX_UA_LENGTH = 512;
  public static final int MAX_NAME_LENGTH = 128;
  public static final int MAX_PROPS_LENGTH = 2048;
  public static final java.util.regex.Pattern SITE = java.util.regex.Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");
}
