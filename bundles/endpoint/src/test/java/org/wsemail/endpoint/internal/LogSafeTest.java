package org.wsemail.endpoint.internal;

import static org.junit.Assert.assertEquals;

import org.junit.Test;

/** Text from callers cannot forge log lines or flood the log. */
public class LogSafeTest {
    @Test
    public void lineBreaksAreEscapedAndLongTextIsCut() {
        assertEquals("eve\\u000a2026-12-02 INFO User admin logged in", LogSafe.text("eve\n2026-12-02 INFO User admin logged in"));
        assertEquals("a\\u000db\\u2028c", LogSafe.text("a\rb\u2028c"));
        assertEquals("x".repeat(120) + "... (5000 characters)", LogSafe.text("x".repeat(5000)));
        assertEquals("(none)", LogSafe.text(null));
    }
}
