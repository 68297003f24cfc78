package org.wsemail.wire.security;

import java.security.Provider;

import org.bouncycastle.jcajce.provider.asymmetric.edec.SignatureSpi;

/**
 * A security provider with one algorithm, Bouncy Castle's {@code Ed25519} signature: signing in a
 * fifteenth and verifying in an eighth of the time the JDK's own implementation takes
 * (docs/PERFORMANCE.md). Handed to message and answer signatures alone, never registered with the
 * JVM, so that nothing else changes provider. Bouncy Castle's signature class still builds its own
 * whole provider, hundreds of algorithms, once per JVM on its first use (0.31 s of CPU in a fresh
 * JVM with the quick compiler; docs/PERFORMANCE.md, "Command-line start-up").
 */
public final class BouncyCastleEd25519 extends Provider {
    private static final long serialVersionUID = 1L;

    public BouncyCastleEd25519() {
        super("WSEmail-BC-Ed25519", "1.0", "Ed25519 signatures by Bouncy Castle");
        putService(new Service(this, "Signature", "Ed25519", SignatureSpi.Ed25519.class.getName(), null, null) {
            @Override
            public Object newInstance(Object parameter) {
                return new SignatureSpi.Ed25519();
            }
        });
    }
}
