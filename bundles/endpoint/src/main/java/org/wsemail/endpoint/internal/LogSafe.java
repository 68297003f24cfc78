package org.wsemail.endpoint.internal;

/**
 * Text a caller chose, made safe to log: control characters (line breaks above all, with which a
 * caller could forge log lines) shown as escapes, and anything long cut short.
 */
final class LogSafe {
    private static final int MOST = 120;

    private LogSafe() {
    }

    static String text(String untrusted) {
        if (untrusted == null) {
            return "(none)";
        }
        StringBuilder safe = new StringBuilder(Math.min(untrusted.length(), MOST) + 16);
        for (int i = 0; i < untrusted.length() && i < MOST; i++) {
            char c = untrusted.charAt(i);
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                safe.append(String.format("\\u%04x", (int) c));
            } else {
                safe.append(c);
            }
        }
        if (untrusted.length() > MOST) {
            safe.append("... (").append(untrusted.length()).append(" characters)");
        }
        return safe.toString();
    }
}
