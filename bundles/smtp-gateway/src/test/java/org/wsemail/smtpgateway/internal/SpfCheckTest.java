package org.wsemail.smtpgateway.internal;

import static org.junit.Assert.assertTrue;

import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

import org.junit.Test;
import org.wsemail.api.server.DomainResolver;

/** SPF through jSPF, with the name servers replaced by a table of records. */
public class SpfCheckTest {
    private static final Map<String, List<String>> RECORDS = Map.of(
            "TXT legacy.test", List.of("v=spf1 ip4:192.0.2.0/24 mx -all"),
            "MX legacy.test", List.of("mx.legacy.test"),
            "A mx.legacy.test", List.of("198.51.100.7"),
            "TXT soft.test", List.of("v=spf1 ~all"));

    private final SpfCheck spf = new SpfCheck(new DomainResolver() {
        @Override
        public List<ServerEndpoint> resolve(String domain) {
            return List.of();
        }

        @Override
        public List<ServerEndpoint> mailExchangers(String domain) {
            return List.of();
        }

        @Override
        public List<String> records(String name, String type) {
            if (name.equals("down.test")) {
                throw new UncheckedIOException(new java.io.IOException("no name server answered"));
            }
            return RECORDS.getOrDefault(type + " " + (name.endsWith(".") ? name.substring(0, name.length() - 1) : name), List.of());
        }
    });

    @Test
    public void theSendersDomainPolicyDecidesPassFailSoftfailAndNone() {
        assertTrue(spf.check("192.0.2.44", "carol@legacy.test", "mx.example").startsWith("pass"));
        String mx = spf.check("198.51.100.7", "carol@legacy.test", "mx");
        assertTrue("the domain's MX host may send: " + mx, mx.startsWith("pass"));
        String fail = spf.check("203.0.113.9", "carol@legacy.test", "mx.example");
        assertTrue(fail, fail.startsWith("fail") && fail.endsWith("for 203.0.113.9 sending as carol@legacy.test"));
        assertTrue(spf.check("203.0.113.9", "dan@soft.test", "mx.example").startsWith("softfail"));
        assertTrue(spf.check("203.0.113.9", "eve@nopolicy.test", "mx.example").startsWith("none"));
        assertTrue(spf.check("203.0.113.9", "eve@down.test", "mx.example").startsWith("temperror"));
    }
}
