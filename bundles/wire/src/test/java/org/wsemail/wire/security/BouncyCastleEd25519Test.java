package org.wsemail.wire.security;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.Signature;

import org.junit.Test;

/** The provider's Ed25519 agrees with the JDK's, byte for byte, and takes Ed25519 keys only. */
public class BouncyCastleEd25519Test {
    private static final Provider PROVIDER = new BouncyCastleEd25519();
    private static final byte[] DATA = "<m:message xmlns:m=\"urn:test\">hello</m:message>".getBytes(StandardCharsets.UTF_8);

    private static byte[] sign(Signature signature, KeyPair keys, byte[] data) throws Exception {
        signature.initSign(keys.getPrivate());
        signature.update(data);
        return signature.sign();
    }

    private static boolean verify(Signature signature, KeyPair keys, byte[] data, byte[] value) throws Exception {
        signature.initVerify(keys.getPublic());
        signature.update(data, 0, data.length);
        return signature.verify(value);
    }

    @Test
    public void signsAsTheJdkDoesAndEachChecksTheOthers() throws Exception {
        KeyPair keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        byte[] ours = sign(Signature.getInstance("Ed25519", PROVIDER), keys, DATA);
        byte[] jdks = sign(Signature.getInstance("Ed25519"), keys, DATA);

        // Ed25519 is deterministic: one key and one text give one signature.
        assertEquals(64, ours.length);
        assertTrue(java.util.Arrays.equals(jdks, ours));
        assertTrue(verify(Signature.getInstance("Ed25519"), keys, DATA, ours));
        assertTrue(verify(Signature.getInstance("Ed25519", PROVIDER), keys, DATA, jdks));
    }

    @Test
    public void aChangedTextOrAnotherKeyDoesNotVerify() throws Exception {
        KeyPair keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Signature signature = Signature.getInstance("Ed25519", PROVIDER);
        byte[] value = sign(signature, keys, DATA);
        byte[] changed = DATA.clone();
        changed[changed.length - 3] ^= 1;

        assertFalse(verify(signature, keys, changed, value));
        assertFalse(verify(signature, KeyPairGenerator.getInstance("Ed25519").generateKeyPair(), DATA, value));
        assertFalse("a signature of the wrong length", verify(signature, keys, DATA, new byte[12]));
        assertTrue("the same object goes on to check a good one", verify(signature, keys, DATA, value));
    }

    @Test
    public void keysOfOtherAlgorithmsAreRefused() throws Exception {
        KeyPair rsa = KeyPairGenerator.getInstance("RSA").generateKeyPair();
        KeyPair ed448 = KeyPairGenerator.getInstance("Ed448").generateKeyPair();
        Signature signature = Signature.getInstance("Ed25519", PROVIDER);

        assertThrows(InvalidKeyException.class, () -> signature.initVerify(rsa.getPublic()));
        assertThrows(InvalidKeyException.class, () -> signature.initSign(rsa.getPrivate()));
        assertThrows(InvalidKeyException.class, () -> signature.initVerify(ed448.getPublic()));
        assertThrows(InvalidKeyException.class, () -> signature.initSign(ed448.getPrivate()));
    }

    @Test
    public void moreKeysThanItRemembersEachSignAndCheckAsTheJdksOwnOverAndOver() throws Exception {
        int count = BouncyCastleEd25519.RecentKeys.SIZE + 3;
        KeyPair[] keys = new KeyPair[count];
        for (int i = 0; i < count; i++) {
            keys[i] = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        }
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < count; i++) {
                byte[] ours = sign(Signature.getInstance("Ed25519", PROVIDER), keys[i], DATA);
                assertTrue("key " + i + ", round " + round,
                        java.util.Arrays.equals(sign(Signature.getInstance("Ed25519"), keys[i], DATA), ours));
                assertTrue(verify(Signature.getInstance("Ed25519", PROVIDER), keys[i], DATA, ours));
                assertFalse("another key, remembered too, does not check it",
                        verify(Signature.getInstance("Ed25519", PROVIDER), keys[(i + 1) % count], DATA, ours));
            }
        }
    }
}
