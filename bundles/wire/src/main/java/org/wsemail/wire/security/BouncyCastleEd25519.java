package org.wsemail.wire.security;

import java.io.IOException;
import java.security.InvalidKeyException;
import java.security.InvalidParameterException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Security;
import java.security.SignatureSpi;
import java.util.Arrays;

import org.apache.wss4j.stax.setup.WSSec;
import org.apache.xml.security.algorithms.JCEMapper;
import org.bouncycastle.crypto.CipherParameters;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.crypto.util.PublicKeyFactory;

/**
 * A security provider with one algorithm, {@code Ed25519} signatures computed by Bouncy Castle:
 * signing in a fifteenth and verifying in an eighth of the time the JDK's own implementation takes
 * (docs/PERFORMANCE.md). Handed to message and answer signatures alone. A server's answers, signed
 * as they are streamed, can only name their provider, so there it is registered with the JVM, last,
 * after the JVM's own providers ({@link #registerForStreamedSignatures}): whatever asks for Ed25519 without
 * naming a provider still gets the JVM's. It drives Bouncy Castle's signer directly rather than
 * through Bouncy Castle's own JCA provider, which builds its whole provider, hundreds of algorithms,
 * on first use: 0.31 s of CPU in every JVM that checks one signature (docs/PERFORMANCE.md,
 * "Command-line start-up"). Keys are the JDK's (or any provider's) in their standard encodings.
 */
public final class BouncyCastleEd25519 extends Provider {
    private static final long serialVersionUID = 1L;

    public BouncyCastleEd25519() {
        super("WSEmail-BC-Ed25519", "1.0", "Ed25519 signatures by Bouncy Castle");
        putService(new Service(this, "Signature", "Ed25519", Ed25519Signature.class.getName(), null, null) {
            @Override
            public Object newInstance(Object parameter) {
                return new Ed25519Signature();
            }
        });
    }

    /**
     * Makes this provider the one WS-Security's streaming signatures use for Ed25519, which can only
     * name a provider: it is registered with the JVM, last, after the JVM's own providers, so that
     * nothing that asks for Ed25519 without naming a provider gets another one than before; and
     * Santuario's one entry for EdDSA over Ed25519 names it. Both are the JVM's state: the server's
     * TLS identity registers its provider when it starts and {@linkplain #unregister unregisters} it
     * when it stops. A registered provider of the same name is replaced.
     */
    public void registerForStreamedSignatures() {
        synchronized (BouncyCastleEd25519.class) {
            // WS-Security's start-up loads Santuario's algorithm tables once, first: loaded later,
            // they would put their own entry back. Santuario's own start-up must not come before
            // it, or WS-Security's error messages would be lost (the first resource bundle wins).
            WSSec.init();
            Security.removeProvider(getName());
            Security.addProvider(this);
            JCEMapper.register(MessageSignatures.ED25519, santuarioEntry(getName()));
        }
    }

    /** Undoes {@link #registerForStreamedSignatures}, if this provider is still the registered one. */
    public void unregister() {
        synchronized (BouncyCastleEd25519.class) {
            if (Security.getProvider(getName()) == this) {
                Security.removeProvider(getName());
                JCEMapper.register(MessageSignatures.ED25519, santuarioEntry(null));
            }
        }
    }

    /** Whether {@code provider} is the one streaming signatures compute Ed25519 with. */
    static boolean signsStreamedSignatures(Provider provider) {
        synchronized (BouncyCastleEd25519.class) {
            return Security.getProvider(provider.getName()) == provider
                    && provider.getName().equals(JCEMapper.getJCEProviderFromURI(MessageSignatures.ED25519));
        }
    }

    private static JCEMapper.Algorithm santuarioEntry(String provider) {
        String uri = MessageSignatures.ED25519;
        return new JCEMapper.Algorithm(JCEMapper.getJCEKeyAlgorithmFromURI(uri), JCEMapper.translateURItoJCEID(uri),
                JCEMapper.getAlgorithmClassFromURI(uri), 0, 0, provider);
    }

    private static final RecentKeys RECENT = new RecentKeys();

    /**
     * The parameters of the keys used last, by their encodings. Reading a private key costs about a
     * third of a signature: its public half is derived from it (a scalar multiplication); a server
     * signs with one key over and over, so it reads it once (docs/PERFORMANCE.md). Public keys are
     * kept too; checks gained nothing measurable from it. Holds {@value #SIZE} keys, the oldest
     * replaced.
     */
    static final class RecentKeys {
        static final int SIZE = 8;
        private final byte[][] encodings = new byte[SIZE][];
        private final boolean[] publicKeys = new boolean[SIZE];
        private final CipherParameters[] parameters = new CipherParameters[SIZE];
        private int next;

        /** As {@link Ed25519Signature#ed25519}, read once for each key. */
        CipherParameters parameters(byte[] encoded, boolean isPublic) throws InvalidKeyException {
            CipherParameters known = find(encoded, isPublic);
            if (known != null) {
                return known;
            }
            CipherParameters read = Ed25519Signature.ed25519(encoded, isPublic);
            remember(encoded, isPublic, read);
            return read;
        }

        private synchronized CipherParameters find(byte[] encoded, boolean isPublic) {
            for (int i = 0; i < SIZE; i++) {
                if (encodings[i] != null && publicKeys[i] == isPublic && Arrays.equals(encodings[i], encoded)) {
                    return parameters[i];
                }
            }
            return null;
        }

        private synchronized void remember(byte[] encoded, boolean isPublic, CipherParameters read) {
            encodings[next] = encoded;
            publicKeys[next] = isPublic;
            parameters[next] = read;
            next = (next + 1) % SIZE;
        }
    }

    /** The JCA face of Bouncy Castle's Ed25519 signer (RFC 8032, pure Ed25519). Not thread-safe, as no Signature is. */
    static final class Ed25519Signature extends SignatureSpi {
        private final Ed25519Signer signer = new Ed25519Signer();

        @Override
        protected void engineInitVerify(PublicKey key) throws InvalidKeyException {
            signer.init(false, RECENT.parameters(key == null ? null : key.getEncoded(), true));
        }

        @Override
        protected void engineInitSign(PrivateKey key) throws InvalidKeyException {
            signer.init(true, RECENT.parameters(key == null ? null : key.getEncoded(), false));
        }

        /** The key's parameters from its X.509 (public) or PKCS #8 (private) encoding, if it is an Ed25519 key. */
        static CipherParameters ed25519(byte[] encoded, boolean isPublic) throws InvalidKeyException {
            if (encoded == null) {
                throw new InvalidKeyException("an Ed25519 key in its standard encoding is needed");
            }
            CipherParameters parameters;
            try {
                parameters = isPublic ? PublicKeyFactory.createKey(encoded) : PrivateKeyFactory.createKey(encoded);
            } catch (IOException | RuntimeException e) {
                throw new InvalidKeyException("not a key this provider reads: " + e.getMessage(), e);
            }
            Class<?> wanted = isPublic ? Ed25519PublicKeyParameters.class : Ed25519PrivateKeyParameters.class;
            if (!wanted.isInstance(parameters)) {
                throw new InvalidKeyException("not an Ed25519 " + (isPublic ? "public" : "private") + " key: "
                        + parameters.getClass().getSimpleName());
            }
            return parameters;
        }

        @Override
        protected void engineUpdate(byte b) {
            signer.update(b);
        }

        @Override
        protected void engineUpdate(byte[] bytes, int offset, int length) {
            signer.update(bytes, offset, length);
        }

        @Override
        protected byte[] engineSign() {
            return signer.generateSignature();
        }

        @Override
        protected boolean engineVerify(byte[] signature) {
            return signer.verifySignature(signature);
        }

        @Override
        @Deprecated
        protected void engineSetParameter(String name, Object value) {
            throw new InvalidParameterException("Ed25519 takes no parameters");
        }

        @Override
        @Deprecated
        protected Object engineGetParameter(String name) {
            throw new InvalidParameterException("Ed25519 takes no parameters");
        }
    }
}
