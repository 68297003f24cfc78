package org.wsemail.smtpgateway.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.stream.Collectors;

import org.apache.james.jdkim.DKIMVerifier;
import org.apache.james.jdkim.api.SignatureRecord;
import org.apache.james.jdkim.exceptions.FailException;
import org.apache.james.jdkim.exceptions.PermFailException;
import org.apache.james.jdkim.exceptions.TempFailException;
import org.wsemail.api.server.DomainResolver;

/**
 * Checks the DKIM signatures of a message that came in over SMTP (Apache jDKIM), reading the
 * signers' keys from DNS through the server's resolver. The result is recorded for the recipient;
 * it decides nothing, since most Internet mail is not signed. Thread-safe.
 */
final class DkimCheck {
    private final DomainResolver resolver;

    DkimCheck(DomainResolver resolver) {
        this.resolver = resolver;
    }

    /** In words: {@code none}, {@code pass (d=..., s=...)}, {@code fail: why}, or {@code temperror: why}. */
    String check(byte[] raw) {
        DKIMVerifier verifier = new DKIMVerifier((method, selector, token) -> {
            try {
                return resolver.records(selector + "._domainkey." + token, "TXT");
            } catch (UncheckedIOException e) {
                throw new TempFailException(e.getMessage());
            } catch (IllegalArgumentException e) {
                throw new PermFailException(e.getMessage());
            }
        });
        try {
            List<SignatureRecord> passed = verifier.verify(new ByteArrayInputStream(raw));
            if (passed == null || passed.isEmpty()) {
                return "none (the message carries no DKIM signature)";
            }
            return "pass (" + passed.stream().map(r -> "d=" + r.getDToken() + ", s=" + r.getSelector())
                    .collect(Collectors.joining("; ")) + ")";
        } catch (TempFailException e) {
            return "temperror: " + e.getMessage();
        } catch (FailException e) {
            return "fail: " + e.getMessage();
        } catch (IOException | RuntimeException e) {
            return "fail: " + e;
        }
    }
}
