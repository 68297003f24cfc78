package org.wsemail.wire.security;

import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.regex.Pattern;

import org.apache.wss4j.common.crypto.Merlin;

/**
 * A WSS4J crypto for callers that tell who signed by the certificate's subjectAltName (a server's
 * dNSName naming its mail domain, a user's mail address), checked after the certificate path is
 * validated here; the subject DN identifies nobody in WSEmail. With no subject DN patterns given
 * there is nothing to match, where Merlin would accept and log "No Subject DN Certificate
 * Constraints were defined. This could be a security issue" for every signed message. Patterns,
 * when given, are still matched.
 */
public class AltNameIdentified extends Merlin {

    @Override
    protected boolean matchesSubjectDnPattern(X509Certificate certificate, Collection<Pattern> subjectDnPatterns) {
        return subjectDnPatterns == null || subjectDnPatterns.isEmpty() || super.matchesSubjectDnPattern(certificate, subjectDnPatterns);
    }
}
