package org.wsemail.api.server;

import java.util.Set;

import org.osgi.annotation.versioning.ProviderType;
import org.wsemail.api.MailMessage;

/**
 * Signs messages as this server (XMLDSIG with the server's key and certificate) and verifies other
 * servers' signatures against the trusted roots. Reading a signed message back without checking it
 * is the message codec's job, not the signer's. Thread-safe.
 */
@ProviderType
public interface MessageSigner {

    /** The message with this server's enveloped signature: what is queued, relayed and stored. */
    SignedMail sign(MailMessage message);

    /**
     * Verifies a signed message.
     *
     * @return the message and who signed it
     * @throws InvalidSignatureException if the XML is not a signed message, the signature does not
     *     match, or the signer's certificate does not lead to a trusted root
     */
    VerifiedMessage verify(String signedXml) throws InvalidSignatureException;

    /**
     * A message whose signature verified.
     *
     * @param mail the message and its signed XML
     * @param signerDomains the mail domains the signer's certificate names
     * @param signerSubject the signer certificate's subject, for people
     */
    record VerifiedMessage(SignedMail mail, Set<String> signerDomains, String signerSubject) {

        public VerifiedMessage {
            signerDomains = Set.copyOf(signerDomains);
        }

        public MailMessage message() {
            return mail.message();
        }
    }

    /** A signature that did not verify; the message says why. */
    class InvalidSignatureException extends Exception {
        private static final long serialVersionUID = 1L;

        public InvalidSignatureException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
